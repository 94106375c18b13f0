/**
 * Labels: tables of class index → name and colour, default colours, the demo's table.
 * Tables come from plain "index name" lines, ITK-SNAP label
 * description files (index R G B A visible mesh "name") and JSON ({"1": "spleen"} or
 * {"1": {"name": "spleen", "color": [r, g, b]}}).
 */
import { WorkbenchError } from '../errors';

export type RGB = [number, number, number];

export interface LabelEntry {
  name: string;
  /** 0–255 per channel. */
  color?: RGB;
}

/** Class index → entry. Index 0 (background) is kept when the file lists it. */
export type LabelTable = Record<number, LabelEntry>;

function bad(fileName: string, message: string): WorkbenchError {
  return new WorkbenchError('bad-label-table', `${fileName} ${message}`, { file: fileName });
}

const EXPECTED = 'expected lines like "1 spleen", ITK-SNAP lines like `1 255 0 0 1 1 1 "spleen"`, or JSON like {"1": "spleen"}';

function checkIndex(fileName: string, where: string, raw: string, table: LabelTable): number {
  const index = Number(raw);
  if (!Number.isInteger(index) || index < 0) throw bad(fileName, `${where}: label index "${raw}" is not a whole number ≥ 0; ${EXPECTED}.`);
  if (table[index]) throw bad(fileName, `${where}: label ${index} is listed twice ("${table[index].name}" and again); each index must appear once.`);
  return index;
}

function checkColor(fileName: string, where: string, c: unknown): RGB {
  if (!Array.isArray(c) || c.length !== 3 || c.some((x) => typeof x !== 'number' || !(x >= 0 && x <= 255))) {
    throw bad(fileName, `${where}: colour ${JSON.stringify(c)} is not three numbers from 0 to 255.`);
  }
  return [c[0], c[1], c[2]];
}

function parseJson(text: string, fileName: string): LabelTable {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw bad(fileName, `looks like JSON but does not parse (${(e as Error).message}); ${EXPECTED}.`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw bad(fileName, `holds JSON that is not an object of index → name; ${EXPECTED}.`);
  const table: LabelTable = {};
  for (const [key, value] of Object.entries(obj)) {
    const where = `key "${key}"`;
    const index = checkIndex(fileName, where, key, table);
    if (typeof value === 'string' && value.trim()) table[index] = { name: value.trim() };
    else if (typeof value === 'object' && value !== null && typeof (value as LabelEntry).name === 'string') {
      const v = value as { name: string; color?: unknown };
      table[index] = { name: v.name.trim(), ...(v.color !== undefined ? { color: checkColor(fileName, where, v.color) } : {}) };
    } else throw bad(fileName, `${where}: expected a name or {"name": …, "color": [r, g, b]}, found ${JSON.stringify(value)}.`);
  }
  return table;
}

const ITK = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+[\d.]+\s+\d+\s+\d+\s+"(.*)"\s*$/;
const PLAIN = /^\s*(-?[\d.]+)\s*[:,=\t ]\s*(.*?)\s*$/;

function parseLines(text: string, fileName: string): LabelTable {
  const table: LabelTable = {};
  const lines = text.split(/\r?\n/);
  lines.forEach((line, n) => {
    if (!line.trim() || line.trim().startsWith('#')) return;
    const where = `line ${n + 1}`;
    const itk = ITK.exec(line);
    if (itk) {
      const index = checkIndex(fileName, where, itk[1], table);
      table[index] = { name: itk[5].trim(), color: checkColor(fileName, where, [Number(itk[2]), Number(itk[3]), Number(itk[4])]) };
      return;
    }
    const plain = PLAIN.exec(line);
    const name = plain?.[2].replace(/^"(.*)"$/, '$1').trim();
    if (!plain || !name) {
      const shown = line.length > 60 ? `${line.slice(0, 60)}…` : line;
      throw bad(fileName, `${where} ("${shown}") is not a label; ${EXPECTED}.`);
    }
    table[checkIndex(fileName, where, plain[1], table)] = { name };
  });
  return table;
}

/**
 * Parses a label table, recognising the format from the text. Throws `bad-label-table` naming the
 * file and line (or JSON key) at fault, and when the table lists no labels at all.
 */
export function parseLabelTable(text: string, fileName: string): LabelTable {
  const body = text.replace(/^\uFEFF/, '');
  const table = body.trimStart().startsWith('{') ? parseJson(body, fileName) : parseLines(body, fileName);
  if (Object.keys(table).length === 0) throw bad(fileName, `lists no labels; ${EXPECTED}.`);
  return table;
}

function hslToRgb(h: number, s: number, l: number): RGB {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/**
 * The default colour of label `k`: hues spaced by the golden angle, alternating lightness so neighbours
 * in index differ in brightness as well as hue. Black for 0 (background) and for anything that is not a
 * class number (negative, fractional, NaN), so that a caller never gets `undefined`.
 */
export function defaultLabelColor(k: number): RGB {
  if (!(k >= 1) || !Number.isInteger(k)) return [0, 0, 0];
  const hue = (20 + (k - 1) * 137.508) % 360;
  const light = [0.55, 0.68, 0.45][(k - 1) % 3];
  return hslToRgb(hue, 0.7, light);
}

/** Distinct colours for labels 1..n: `result[k]` is `defaultLabelColor(k)`, `result[0]` black; length n + 1. */
export function defaultLabelColors(n: number): RGB[] {
  const out: RGB[] = [[0, 0, 0]];
  for (let k = 1; k <= n; k++) out.push(defaultLabelColor(k));
  return out;
}

/** The table's colour for `index`, else the default palette's. */
export function labelColor(table: LabelTable | undefined, index: number): RGB {
  return table?.[index]?.color ?? defaultLabelColor(index);
}

/** Labels of the demo scan (public/demo/labels-organs4.nii.gz). Colours after 3D Slicer's anatomy palette, kidneys told apart. */
export const DEMO_LABELS: Readonly<LabelTable> = Object.freeze({
  0: { name: 'background', color: [0, 0, 0] },
  1: { name: 'spleen', color: [157, 108, 162] },
  2: { name: 'kidney_right', color: [0, 158, 115] },
  3: { name: 'kidney_left', color: [86, 180, 233] },
  4: { name: 'liver', color: [221, 130, 101] },
});
