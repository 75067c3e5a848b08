// What one judge's entries are worth, for the running total on the sheet: the same rules as
// bank::model::scheme (Aspect::judge_mark, band_fraction, group_totals, task_points). The server's
// own figures are the ones that count; this only shows the judge where the sheet stands.

/** The aspect's kind code: 'judgement', 'measurement' (plain or banded) or 'deduction'. */
export const kindOf = (a) => (a.kind && a.kind.type) || 'measurement';

/** Whether a measurement records the deviation (has tolerance bands) rather than met / not met. */
export const banded = (a) => kindOf(a) === 'measurement' && !!(a.kind && a.kind.bands && a.kind.bands.length);

/** The share of the points a deviation earns: the first band that covers it, else nothing. */
export function bandFraction(bands, deviation) {
  const b = bands.find((x) => deviation <= x.within + 1e-9);
  return b ? b.fraction : 0;
}

/** One entry's worth in points (a deduction: the points taken off); null when out of range. */
export function judgeMark(a, entry) {
  if (entry === null || entry === undefined || !Number.isFinite(entry)) return null;
  const whole = Number.isInteger(entry);
  switch (kindOf(a)) {
    case 'judgement':
      return whole && entry >= 0 && entry <= 3 ? (a.points * entry) / 3 : null;
    case 'deduction':
      return whole && entry >= 0 && entry <= 100 ? Math.min(a.kind.per * entry, a.points) : null;
    default:
      if (!banded(a)) return entry === 1 ? a.points : entry === 0 ? 0 : null;
      return Math.abs(entry) <= 1e6 ? bandFraction(a.kind.bands, Math.abs(entry)) * a.points : null;
  }
}

/** Sub-criteria in the order they first appear: [{group, items: [{aspect, index}]}]. */
export function groups(scheme) {
  const out = [];
  scheme.forEach((aspect, index) => {
    const g = aspect.group || '';
    let hit = out.find((x) => x.group === g);
    if (!hit) { hit = { group: g, items: [] }; out.push(hit); }
    hit.items.push({ aspect, index });
  });
  return out;
}

/** Points of each sub-criterion after deductions, never below zero; missing entries count 0. */
export function groupTotals(scheme, entries) {
  return groups(scheme).map(({ group, items }) => {
    const sum = items.reduce((s, { aspect, index }) => {
      const m = judgeMark(aspect, entries[index]) || 0;
      return s + (kindOf(aspect) === 'deduction' ? -m : m);
    }, 0);
    return { group, total: Math.max(0, sum) };
  });
}

/** The sheet's running total in points. */
export const sheetTotal = (scheme, entries) => groupTotals(scheme, entries).reduce((s, g) => s + g.total, 0);

/** What the points-giving aspects add up to (deductions do not count). */
export const schemeSum = (scheme) => scheme.filter((a) => kindOf(a) !== 'deduction').reduce((s, a) => s + a.points, 0);
