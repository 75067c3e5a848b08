// The judge tablet's running total (frontend/assets/js/judge/scheme.js) follows the scheme rules
// of bank::model::scheme: levels, met / not met, tolerance bands (edge inside), deductions capped
// per aspect and sub-criteria never below zero. No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeMark, sheetTotal, groupTotals, schemeSum, bandFraction } from '../../frontend/assets/js/judge/scheme.js';
import { SCHEME } from './judge-support.mjs';

const close = (a, b) => assert.ok(Math.abs(a - b) < 1e-9, `${a} ≠ ${b}`);

test('each kind of entry is worth what the scheme says and out-of-range entries are worth nothing', () => {
  const [level, banded, plain, deduction] = SCHEME;
  close(judgeMark(level, 2), 8 / 3);
  assert.equal(judgeMark(level, 4), null);
  assert.equal(judgeMark(level, 1.5), null);
  close(judgeMark(banded, 2), 2);
  close(judgeMark(banded, -4), 1);
  close(judgeMark(banded, 5.1), 0);
  assert.equal(judgeMark(plain, 1), 4);
  assert.equal(judgeMark(plain, 0.5), null);
  assert.equal(judgeMark(deduction, 5), 2, 'a deduction takes off at most its points');
  assert.equal(judgeMark(deduction, 101), null);
  assert.equal(bandFraction([{ within: 2, fraction: 1 }], 2.0000000001), 1, 'the band edge is inside');
});

test('the running total adds sub-criteria after deductions and never lets one go below zero', () => {
  assert.equal(schemeSum(SCHEME), 10);
  close(sheetTotal(SCHEME, { 0: 3, 1: 0, 2: 1, 3: 0 }), 10);
  close(sheetTotal(SCHEME, { 0: 2, 1: 3.5, 2: 1, 3: 1 }), 8 / 3 + 1 + 3);
  // B: not met (0) less 2 points is 0, not −2.
  assert.deepEqual(groupTotals(SCHEME, { 0: 3, 1: 0, 2: 0, 3: 2 }).map((g) => g.total), [6, 0]);
  close(sheetTotal(SCHEME, {}), 0);
});
