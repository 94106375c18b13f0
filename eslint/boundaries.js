/**
 * The architecture's walls as one lint rule, `workbench/boundaries`, driven by one table (see
 * eslint.config.js). Every row whose folder holds a file applies to it, all at once: unlike a later
 * config block's `no-restricted-imports`, which replaces an earlier block's options, no row can silence
 * another. Relative imports are resolved against the importing file, so `../../worker/x` and
 * `../worker/x` are judged by where they land, not by how they are spelled.
 *
 * A row: { folder, except?: [folder], packages?: [name | 'scope/*'], folders?: [folder], globals?: [name], why }.
 */
import path from 'node:path';

const toPosix = (p) => p.split(path.sep).join('/');
const within = (rel, folder) => rel === folder || rel.startsWith(`${folder}/`);
const matchesPackage = (spec, pattern) =>
  pattern.endsWith('/*') ? spec.startsWith(pattern.slice(0, -1)) : spec === pattern || spec.startsWith(`${pattern}/`);

/** The rows that apply to a file (a path relative to the table's root). */
export function rowsFor(table, rel) {
  return table.filter((row) => within(rel, row.folder) && !(row.except ?? []).some((x) => within(rel, x)));
}

/** Why importing `spec` from the file at `rel` breaks a row, or undefined. */
function violation(rows, rel, spec) {
  const relative = spec === '.' || spec === '..' || spec.startsWith('./') || spec.startsWith('../');
  const target = relative ? toPosix(path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec))) : undefined;
  for (const row of rows) {
    if (target !== undefined && (row.folders ?? []).some((f) => within(target, f))) return `${row.why} (${spec} is in ${target})`;
    if (target === undefined && (row.packages ?? []).some((p) => matchesPackage(spec, p))) return `${row.why} (${spec})`;
  }
  return undefined;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Which folder may import what, and which globals the core may not touch' },
    schema: [{ type: 'object', properties: { root: { type: 'string' }, table: { type: 'array' } }, required: ['root', 'table'], additionalProperties: false }],
    messages: { import: '{{why}}', global: '{{why}} ({{name}})' },
  },
  create(context) {
    const { root, table } = context.options[0];
    const rel = toPosix(path.relative(root, context.filename));
    const rows = rowsFor(table, rel);
    if (!rows.length) return {};
    const check = (source) => {
      if (!source || typeof source.value !== 'string') return;
      const why = violation(rows, rel, source.value);
      if (why) context.report({ node: source, messageId: 'import', data: { why } });
    };
    const banned = new Map(rows.flatMap((row) => (row.globals ?? []).map((g) => [g, row.why])));
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source),
      TSImportType: (node) => check(node.argument?.literal),
      'Program:exit'(node) {
        if (!banned.size) return;
        const scope = context.sourceCode.getScope(node);
        const refs = [...scope.through, ...scope.variables.filter((v) => v.defs.length === 0).flatMap((v) => v.references)];
        for (const ref of refs) {
          const name = ref.identifier.name;
          if (banned.has(name)) context.report({ node: ref.identifier, messageId: 'global', data: { why: banned.get(name), name } });
        }
      },
    };
  },
};

export const boundaries = { meta: { name: 'workbench' }, rules: { boundaries: rule } };
