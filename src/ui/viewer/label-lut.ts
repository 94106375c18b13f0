/** Label table → NiiVue's label colormap format ({R,G,B,A,I,labels}). Pure, testable without WebGL. */
export interface LabelEntry {
  name: string;
  color: [number, number, number];
}

export interface NiivueLabelColormap {
  R: number[];
  G: number[];
  B: number[];
  A: number[];
  I: number[];
  labels: string[];
}

export function toNiivueLabelColormap(table: Record<number, LabelEntry>): NiivueLabelColormap {
  const cm: NiivueLabelColormap = { R: [0], G: [0], B: [0], A: [0], I: [0], labels: [''] };
  const keys = Object.keys(table)
    .map(Number)
    .filter((k) => k > 0)
    .sort((a, b) => a - b);
  for (const k of keys) {
    const e = table[k];
    cm.R.push(e.color[0]);
    cm.G.push(e.color[1]);
    cm.B.push(e.color[2]);
    cm.A.push(255);
    cm.I.push(k);
    cm.labels.push(e.name);
  }
  return cm;
}
