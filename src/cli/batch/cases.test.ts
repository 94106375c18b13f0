import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caseIdFromName, inputFingerprint, resolveCases, UsageError } from './cases';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ctseg-cases-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const touch = (rel: string, text = 'x') => {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), text);
};

describe('caseIdFromName', () => {
  it('drops scan extensions and folder slashes, and replaces characters unfit for file names', () => {
    expect(caseIdFromName('/data/case-01.nii.gz')).toBe('case-01');
    expect(caseIdFromName('scan.v2.nii')).toBe('scan.v2');
    expect(caseIdFromName('ct.nrrd')).toBe('ct');
    expect(caseIdFromName('/data/patient 7 (arterial)/')).toBe('patient_7_arterial_');
    expect(caseIdFromName('.hidden.nii.gz')).toBe('hidden');
  });
});

describe('resolveCases', () => {
  it('takes files, DICOM folders (one case) and NIfTI folders (one case per file)', () => {
    touch('a.nii.gz');
    touch('series/1.dcm');
    touch('series/sub/2.dcm');
    touch('many/x.nii');
    touch('many/y.nii.gz');
    touch('many/.DS_Store');
    const cases = resolveCases(['a.nii.gz', 'series', 'many'], dir);
    expect(cases.map((c) => [c.id, c.path])).toEqual([
      ['a', join(dir, 'a.nii.gz')],
      ['series', join(dir, 'series')],
      ['x', join(dir, 'many/x.nii')],
      ['y', join(dir, 'many/y.nii.gz')],
    ]);
  });

  it('reads a manifest: case,path header (any order, extra columns ignored), paths relative to it', () => {
    touch('scans/one.nii.gz');
    touch('scans/two/1.dcm');
    touch('lists/m.csv', 'path,site,case\n../scans/one.nii.gz,A,p1\n"../scans/two",B,p2\n');
    const cases = resolveCases(['lists/m.csv'], dir);
    expect(cases.map((c) => [c.id, c.path, c.source])).toEqual([
      ['p1', join(dir, 'scans/one.nii.gz'), `${join(dir, 'lists/m.csv')} row 2`],
      ['p2', join(dir, 'scans/two'), `${join(dir, 'lists/m.csv')} row 3`],
    ]);
  });

  it.each([
    ['no header naming case and path', 'id,file\np1,a.nii.gz\n', /has the columns id, file; a manifest needs a header row naming "case" and "path"/],
    ['an id that cannot start a file name', 'case,path\n../x,a.nii.gz\n', /row 2: case id "\.\.\/x" cannot start a file name/],
    ['no rows', 'case,path\n', /lists no cases/],
  ])('refuses a manifest with %s', (_what, text, message) => {
    touch('a.nii.gz');
    touch('m.csv', text);
    expect(() => resolveCases(['m.csv'], dir)).toThrow(message);
    expect(() => resolveCases(['m.csv'], dir)).toThrow(UsageError);
  });

  it('keeps a manifest row whose path does not exist (that case fails when it runs)', () => {
    touch('a.nii.gz');
    touch('m.csv', 'case,path\np1,a.nii.gz\np2,nope.nii.gz\n');
    expect(resolveCases(['m.csv'], dir).map((c) => [c.id, c.path])).toEqual([['p1', join(dir, 'a.nii.gz')], ['p2', join(dir, 'nope.nii.gz')]]);
  });

  it('refuses two cases with one id, and inputs that do not exist', () => {
    touch('a/ct.nii.gz');
    touch('b/ct.nii.gz');
    expect(() => resolveCases(['a/ct.nii.gz', 'b/ct.nii.gz'], dir)).toThrow(/Two cases have the id "ct" \(a\/ct\.nii\.gz and b\/ct\.nii\.gz\)/);
    expect(() => resolveCases(['missing.nii'], dir)).toThrow(/missing\.nii does not exist/);
    expect(() => resolveCases([], dir)).toThrow(/No inputs were given/);
  });
});

describe('inputFingerprint', () => {
  it('changes when a file or a folder\'s content changes', () => {
    touch('a.nii.gz', 'abc');
    touch('s/1.dcm', 'abc');
    const f = inputFingerprint(join(dir, 'a.nii.gz'));
    const d = inputFingerprint(join(dir, 's'));
    expect(inputFingerprint(join(dir, 'a.nii.gz'))).toBe(f);
    touch('a.nii.gz', 'abcd');
    expect(inputFingerprint(join(dir, 'a.nii.gz'))).not.toBe(f);
    touch('s/2.dcm', 'x');
    expect(inputFingerprint(join(dir, 's'))).not.toBe(d);
    const d2 = inputFingerprint(join(dir, 's'));
    utimesSync(join(dir, 's/1.dcm'), new Date(), new Date(Date.now() + 5000));
    expect(inputFingerprint(join(dir, 's'))).not.toBe(d2);
  });
});
