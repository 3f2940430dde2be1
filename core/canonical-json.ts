// Canonical JSON: object keys sorted at every depth, no whitespace, so one value has exactly
// one byte string. Signatures cover these bytes (model manifests: edge-model/signing.ts;
// remote commands: core/command.ts), so re-indenting a file or reordering keys in transit
// does not break them. Keys sort by UTF-16 code units (JavaScript's default sort).
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error('canonical JSON: a number is not finite');
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x === undefined ? null : x)).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}
