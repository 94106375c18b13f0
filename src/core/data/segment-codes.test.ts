import { describe, expect, it } from 'vitest';
import { normaliseOrganName, segmentCodes } from './segment-codes';

describe('segmentCodes', () => {
  it.each([
    ['liver', '123037004', '10200004', undefined],
    ['Spleen', '123037004', '78961009', undefined],
    ['kidney_right', '123037004', '64033007', 'Right'],
    ['Left Kidney', '123037004', '64033007', 'Left'],
    ['lung_left', '123037004', '39607008', 'Left'],
    ['lung_upper_lobe_right', '123037004', '45653009', 'Right'],
    ['lung_middle_lobe_right', '123037004', '72481006', undefined],
    ['heart_atrium_left', '123037004', '82471001', undefined],
    ['rib_left_3', '123037004', '25888004', 'Left'],
    ['vertebrae_L1', '123037004', '66794005', undefined],
    ['vertebrae_T12', '123037004', '23215003', undefined],
    ['bone', '85756007', '272673000', undefined],
    ['body', '123037004', '38266002', undefined],
    ['kidney_cyst_left', '49755003', '367643001', undefined],
  ])('%s → category %s, type %s, modifier %s', (name, category, type, modifier) => {
    const c = segmentCodes(name);
    expect(c.known).toBe(true);
    expect(c.category.value).toBe(category);
    expect(c.type.value).toBe(type);
    expect(c.type.scheme).toBe('SCT');
    expect(c.modifier?.meaning).toBe(modifier);
  });

  it('codes unknown names as the generic Tissue and says so', () => {
    for (const name of ['label 7', 'tumour', 'vertebrae_X9', 'rib_left_13', 'left_mystery']) {
      const c = segmentCodes(name);
      expect(c).toEqual({ category: { value: '85756007', scheme: 'SCT', meaning: 'Tissue' }, type: { value: '85756007', scheme: 'SCT', meaning: 'Tissue' }, known: false });
    }
  });

  it('normalises case, spaces and dashes', () => {
    expect(normaliseOrganName('  Urinary-Bladder ')).toBe('urinary_bladder');
    expect(segmentCodes('Urinary Bladder').type.value).toBe('89837001');
  });
});
