#!/usr/bin/env python3
"""Reference values for src/analytics (ctt, reliability, dif, rasch, equating).

Generates two seeded response sets and computes every statistic with established Python
libraries (pandas, numpy, scipy, pingouin, statsmodels) or, where no library exists, with
numpy code written independently of the Rust (different algorithm: vectorised, rank-based,
full Newton / trust-region instead of alternating steps). Writes src/analytics/fixtures/*.json.

    python3 -m venv .venv && .venv/bin/pip install numpy pandas scipy statsmodels pingouin
    .venv/bin/python tools/analytics-reference/make_fixtures.py
"""

import json
import math
import os
import sys

import numpy as np
import pandas as pd
import pingouin as pg
import scipy
import statsmodels
from scipy import optimize, stats
from statsmodels.stats.contingency_tables import StratifiedTable

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src", "analytics", "fixtures")
REF, FOC = "职工组", "学生组"


# ---------------------------------------------------------------------------------------------
# Response sets
# ---------------------------------------------------------------------------------------------

def make_set(rng, n_persons, pool, per_paper, bad_item, dif_item, two_point, rare_item=None):
    """Rasch-like responses. `bad_item` is miskeyed (stronger candidates get it wrong more
    often); `dif_item` is 1.5 logits harder for the focal group; `two_point` items are worth 2
    with partial credit; `rare_item` sits on only a few papers."""
    b = np.linspace(-2.0, 2.0, pool)
    rng.shuffle(b)
    items = []
    for i in range(pool):
        k = int(rng.integers(0, 4))
        mask = 1 << k
        if i in two_point:
            mask |= 1 << ((k + 1) % 4)
        items.append({"version_id": 1000 + i, "question_id": 500 + i, "option_count": 4,
                      "key_mask": mask})
    persons = []
    theta = rng.normal(0.0, 1.0, n_persons)
    group = np.where(np.arange(n_persons) % 2 == 0, REF, FOC)
    for p in range(n_persons):
        g = None if p % 17 == 16 else str(group[p])  # a few without a group
        persons.append({"attempt_id": 9000 + p, "group": g})
    responses = []
    for p in range(n_persons):
        if per_paper >= pool:
            paper = list(range(pool))
        else:
            choices = [i for i in range(pool) if i != rare_item]
            paper = list(rng.choice(choices, per_paper, replace=False))
            if rare_item is not None and p % 25 == 0:
                paper[0] = rare_item
        for i in paper:
            i = int(i)
            t = theta[p]
            if i == dif_item and persons[p]["group"] == FOC:
                t -= 1.5
            pr = 1.0 / (1.0 + math.exp(b[i] - t))
            if i == bad_item:
                pr = 1.0 / (1.0 + math.exp(0.8 * theta[p]))
            omitted = rng.random() < 0.03
            mx = 2.0 if i in two_point else 1.0
            key = items[i]["key_mask"]
            if omitted:
                score, chosen = 0.0, 0
            elif i in two_point:
                u1, u2 = rng.random() < pr, rng.random() < pr
                score = float(u1 + u2)
                bits = [j for j in range(4) if key >> j & 1]
                wrong = [j for j in range(4) if not key >> j & 1]
                chosen = 0
                if u1:
                    chosen |= 1 << bits[0]
                else:
                    chosen |= 1 << wrong[0]
                if u2:
                    chosen |= 1 << bits[1]
            else:
                right = rng.random() < pr
                score = 1.0 if right else 0.0
                k = key.bit_length() - 1
                if right:
                    chosen = 1 << k
                else:
                    wrong = [j for j in range(4) if j != k]
                    # One popular, one middling and one rarely chosen distractor.
                    j = rng.choice(wrong, p=[0.6, 0.36, 0.04])
                    # The miskeyed item: strong candidates pick the "wrong" option.
                    chosen = 1 << int(j)
            seconds = None if rng.random() < 0.1 else float(int(rng.integers(10, 120)))
            responses.append({"person": p, "item": i, "score": score, "max": mx,
                              "chosen": int(chosen), "omitted": bool(omitted), "seconds": seconds})
    return {"items": items, "persons": persons, "responses": responses}


def frame(s):
    df = pd.DataFrame(s["responses"])
    tot = df.groupby("person").agg(T=("score", "sum"), M=("max", "sum"), k=("item", "size"))
    return df.join(tot, on="person"), tot


# ---------------------------------------------------------------------------------------------
# CTT
# ---------------------------------------------------------------------------------------------

def share(sorted_vals, values, mass, top):
    """Fraction of each value's tie block inside the bottom (or top) `mass` of the group."""
    m = len(sorted_vals)
    s = np.searchsorted(sorted_vals, values, side="left")
    e = np.searchsorted(sorted_vals, values, side="right")
    size = e - s
    inside = (e - (m - mass)) if top else (mass - s)
    return np.clip(inside, 0, size) / size


def ctt(s):
    df, tot = frame(s)
    out = []
    for i, meta in enumerate(s["items"]):
        d = df[df["item"] == i]
        n = len(d)
        x = (d["score"] / d["max"]).to_numpy()
        row = {"n": n, "facility": float(x.mean()) if n else 0.0,
               "sd": float(pd.Series(x).std(ddof=1)) if n > 1 else 0.0,
               "omission_rate": float(d["omitted"].mean()) if n else 0.0}
        sec = d["seconds"].dropna()
        row["timed"] = int(len(sec))
        row["mean_seconds"] = float(sec.mean()) if len(sec) else None
        rd = d[d["M"] - d["max"] > 0]
        rest = (100.0 * (rd["T"] - rd["score"]) / (rd["M"] - rd["max"])).to_numpy()
        xr = (rd["score"] / rd["max"]).to_numpy()
        m = len(rd)
        row["item_rest_r"] = row["upper_lower_d"] = row["discriminative_efficiency"] = None
        if m >= 2:
            if np.var(xr) > 0 and np.var(rest) > 0:
                row["item_rest_r"] = float(pd.Series(xr).corr(pd.Series(rest)))
            cov = np.cov(xr, rest)[0, 1]
            covmax = np.cov(np.sort(xr), np.sort(rest))[0, 1]
            if covmax > 0:
                row["discriminative_efficiency"] = float(cov / covmax)
            sr = np.sort(rest)
            g = 0.27 * m
            lo = share(sr, rest, g, False)
            hi = share(sr, rest, g, True)
            row["upper_lower_d"] = float((hi @ xr - lo @ xr) / g)
        sr = np.sort(rest)
        third = m / 3.0
        wl = share(sr, rest, third, False) if m else np.zeros(0)
        wh = share(sr, rest, third, True) if m else np.zeros(0)
        wm = 1.0 - wl - wh
        row["thirds"] = {"lower": third, "middle": m - 2 * third, "upper": third}
        opts = []
        chosen_all = d["chosen"].to_numpy()
        chosen_r = rd["chosen"].to_numpy()
        for o in range(meta["option_count"]):
            c_all = (chosen_all >> o) & 1
            c = ((chosen_r >> o) & 1).astype(float)
            rate = lambda v, by: float(v / by) if by > 0 else 0.0
            opts.append({"index": o, "key": bool(meta["key_mask"] >> o & 1),
                         "overall": rate(c_all.sum(), n),
                         "lower": rate(wl @ c, third), "middle": rate(wm @ c, m - 2 * third),
                         "upper": rate(wh @ c, third)})
        row["options"] = opts
        out.append(row)
    pct = (100.0 * tot["T"] / tot["M"]).to_numpy()
    hist, edges = np.histogram(pct, bins=np.arange(0, 101, 10))
    test = {"persons": int(len(pct)), "mean": float(pct.mean()), "sd": float(pct.std(ddof=1)),
            "min": float(pct.min()), "max": float(pct.max()),
            "histogram": [int(h) for h in hist]}
    return out, test


def alpha_random(s):
    """α from per-item variances of those who saw each item, weighted by n_i/N, and the
    variance of total % scores (the contract's random-paper form)."""
    df, tot = frame(s)
    c = 100.0 * df["score"] / df["M"]
    g = c.groupby(df["item"])
    var_i = g.var(ddof=1).fillna(0.0)
    n_i = g.size()
    N = len(tot)
    pct = 100.0 * tot["T"] / tot["M"]
    k = tot["k"].mean()
    s2 = pct.var(ddof=1)
    a = k / (k - 1) * (1 - float((n_i / N * var_i).sum()) / s2)
    return a, float(pct.std(ddof=1)), float(k)


def alpha_fixed(s):
    df = pd.DataFrame(s["responses"])
    wide = df.pivot(index="person", columns="item", values="score")
    a, _ = pg.cronbach_alpha(data=wide)
    return float(a)


# ---------------------------------------------------------------------------------------------
# Mantel–Haenszel
# ---------------------------------------------------------------------------------------------

def dif(s):
    df, tot = frame(s)
    grp = {p: q["group"] for p, q in enumerate(s["persons"])}
    df["g"] = df["person"].map(grp)
    df = df[df["g"].isin([REF, FOC])]
    t_in = tot.loc[sorted(df["person"].unique())]
    mbar = t_in["M"].mean()
    stratum = np.round(100.0 * tot["T"] / tot["M"] * mbar / 100.0)
    df["stratum"] = df["person"].map(stratum)
    df["right"] = (df["score"] >= df["max"]).astype(int)
    out = []
    for i, meta in enumerate(s["items"]):
        d = df[df["item"] == i]
        row = {"n_reference": int((d["g"] == REF).sum()), "n_focal": int((d["g"] == FOC).sum()),
               "alpha_mh": None, "delta_mh": None, "chi_square": None, "p_value": None,
               "se_delta": None, "class": "A"}
        tables = []
        for _, st in d.groupby("stratum"):
            a = ((st["g"] == REF) & (st["right"] == 1)).sum()
            b = ((st["g"] == REF) & (st["right"] == 0)).sum()
            c = ((st["g"] == FOC) & (st["right"] == 1)).sum()
            dd = ((st["g"] == FOC) & (st["right"] == 0)).sum()
            if a + b > 0 and c + dd > 0:
                tables.append([[a, b], [c, dd]])
        if tables:
            t = StratifiedTable(np.array(tables, dtype=float).transpose(1, 2, 0))
            raw = float(np.abs(np.sum(t.table[0, 0, :] - t._apb * t._apc / t._n)))
            test = t.test_null_odds(correction=True)
            chi = float(test.statistic)
            if math.isfinite(chi) and raw < 0.5:  # the correction cannot go below 0
                chi = 0.0
            if math.isfinite(chi):
                row["chi_square"] = chi
                row["p_value"] = float(stats.chi2.sf(chi, 1))
            ad = float(np.sum(t._ad / t._n))
            bc = float(np.sum(t._bc / t._n))
            if ad > 0 and bc > 0:
                a_mh = float(t.oddsratio_pooled)
                delta = -2.35 * math.log(a_mh)
                se = 2.35 * float(t.logodds_pooled_se)
                row.update(alpha_mh=a_mh, delta_mh=delta, se_delta=se)
                sig = row["chi_square"] is not None and row["p_value"] <= 0.05
                if abs(delta) < 1 or not sig:
                    row["class"] = "A"
                elif abs(delta) >= 1.5 and (abs(delta) - 1) / se > stats.norm.ppf(0.95):
                    row["class"] = "C"
                else:
                    row["class"] = "B"
        out.append(row)
    return out


# ---------------------------------------------------------------------------------------------
# Rasch (JMLE, full-likelihood trust-region Newton; an independent algorithm from the Rust's
# alternating steps: both reach the one joint-likelihood maximum)
# ---------------------------------------------------------------------------------------------

def rasch(s, min_responses):
    df = pd.DataFrame(s["responses"])
    df["x"] = (df["score"] >= df["max"]).astype(int)
    item_on = {i: True for i in range(len(s["items"]))}
    person_on = {p: True for p in range(len(s["persons"]))}
    ex_items, ex_persons = [], []
    while True:
        d = df[df["item"].map(item_on) & df["person"].map(person_on)]
        ig = d.groupby("item")["x"].agg(["size", "sum"])
        changed = False
        for i in range(len(s["items"])):
            if not item_on[i]:
                continue
            n, sm = (int(ig.loc[i, "size"]), int(ig.loc[i, "sum"])) if i in ig.index else (0, 0)
            reason = ("few_responses" if n < max(min_responses, 1) else
                      "all_wrong" if sm == 0 else "all_correct" if sm == n else None)
            if reason:
                item_on[i] = False
                changed = True
                ex_items.append({"version_id": s["items"][i]["version_id"], "n": n,
                                 "reason": reason})
        if changed:
            continue
        pg_ = d.groupby("person")["x"].agg(["size", "sum"])
        for p in range(len(s["persons"])):
            if not person_on[p]:
                continue
            if p not in pg_.index:
                person_on[p] = False
                continue
            n, sm = int(pg_.loc[p, "size"]), int(pg_.loc[p, "sum"])
            reason = "all_wrong" if sm == 0 else "all_correct" if sm == n else None
            if reason:
                person_on[p] = False
                changed = True
                ex_persons.append({"attempt_id": s["persons"][p]["attempt_id"], "reason": reason})
        if not changed:
            break
    d = df[df["item"].map(item_on) & df["person"].map(person_on)]
    items = sorted(d["item"].unique())
    persons = sorted(d["person"].unique())
    ii = d["item"].map({v: k for k, v in enumerate(items)}).to_numpy()
    pp = d["person"].map({v: k for k, v in enumerate(persons)}).to_numpy()
    x = d["x"].to_numpy().astype(float)
    L, P = len(items), len(persons)

    def unpack(z):
        th = z[:P]
        bf = z[P:]
        b = np.append(bf, -bf.sum())
        return th, b

    def nll(z):
        th, b = unpack(z)
        eta = th[pp] - b[ii]
        return float(np.sum(np.logaddexp(0, eta) - x * eta))

    def grad_hess(z):
        th, b = unpack(z)
        pr = 1 / (1 + np.exp(b[ii] - th[pp]))
        r = pr - x
        w = pr * (1 - pr)
        gth = np.bincount(pp, r, P)
        gb = -np.bincount(ii, r, L)
        # b_L = -sum(b_free): d/db_j = gb_j - gb_L
        g = np.concatenate([gth, gb[:-1] - gb[-1]])
        H = np.zeros((P + L - 1, P + L - 1))
        H[np.arange(P), np.arange(P)] = np.bincount(pp, w, P)
        # Full Hessian in (θ, b) then chain through b = A bf.
        Hbb = np.bincount(ii, w, L)
        Htb = np.zeros((P, L))
        np.add.at(Htb, (pp, ii), -w)
        A = np.vstack([np.eye(L - 1), -np.ones((1, L - 1))])
        H[:P, P:] = Htb @ A
        H[P:, :P] = (Htb @ A).T
        H[P:, P:] = A.T @ np.diag(Hbb) @ A
        return g, H

    z0 = np.zeros(P + L - 1)
    res = optimize.minimize(nll, z0, jac=lambda z: grad_hess(z)[0],
                            hess=lambda z: grad_hess(z)[1], method="trust-exact",
                            options={"gtol": 1e-11, "maxiter": 500})
    z = res.x
    for _ in range(5):  # polish with plain Newton steps (quadratic convergence near the top)
        g, H = grad_hess(z)
        z = z - np.linalg.solve(H, g)
    gmax = float(np.abs(grad_hess(z)[0]).max())
    th, b = unpack(z)
    b = b * (len(x) / P - 1) / (len(x) / P)
    # θ by ML with the corrected b, per person (Brent on the score equation).
    th_f = np.zeros(P)
    for k in range(P):
        sel = pp == k
        bk, rk = b[ii[sel]], x[sel].sum()
        th_f[k] = optimize.brentq(lambda t: np.sum(1 / (1 + np.exp(bk - t))) - rk, -30, 30,
                                  xtol=1e-13)
    pr = 1 / (1 + np.exp(b[ii] - th_f[pp]))
    w = pr * (1 - pr)
    info_i = np.bincount(ii, w, L)
    info_p = np.bincount(pp, w, P)
    n_i = np.bincount(ii, None, L)
    infit = np.bincount(ii, (x - pr) ** 2, L) / info_i
    outfit = np.bincount(ii, (x - pr) ** 2 / w, L) / n_i
    return {
        # converged when the joint-likelihood gradient is at machine precision.
        "converged": bool(gmax < 1e-9),
        "max_gradient": gmax,
        "items": [{"version_id": s["items"][it]["version_id"], "n": int(n_i[k]),
                   "b": float(b[k]), "se": float(1 / math.sqrt(info_i[k])),
                   "infit": float(infit[k]), "outfit": float(outfit[k])}
                  for k, it in enumerate(items)],
        "persons": [{"attempt_id": s["persons"][p]["attempt_id"], "theta": float(th_f[k]),
                     "se": float(1 / math.sqrt(info_p[k]))} for k, p in enumerate(persons)],
        "excluded_items": ex_items,
        "excluded_persons": ex_persons,
    }


# ---------------------------------------------------------------------------------------------
# Equating
# ---------------------------------------------------------------------------------------------

def equating():
    paper = [(-1.2, 1.0), (-0.3, 2.0), (0.0, 1.0), (0.4, 1.0), (0.9, 2.0), (1.7, 1.0)]
    e = lambda t: sum(p / (1 + math.exp(b - t)) for b, p in paper)
    thetas = [-2.5, -1.0, 0.0, 0.35, 1.8]
    targets = [0.5, 2.0, 4.0, 6.5, 7.6]
    return {"paper": [list(p) for p in paper],
            "expected": [{"theta": t, "score": e(t)} for t in thetas],
            "theta_for": [{"target": y,
                           "theta": optimize.brentq(lambda t: e(t) - y, -20, 20, xtol=1e-13)}
                          for y in targets]}


def main():
    rng = np.random.default_rng(20261206)
    fixed = make_set(rng, 200, 20, 20, bad_item=7, dif_item=12, two_point={18, 19})
    random = make_set(rng, 240, 45, 15, bad_item=3, dif_item=9, two_point={40}, rare_item=44)
    meta = {"generated_by": "tools/analytics-reference/make_fixtures.py", "seed": 20261206,
            "python": sys.version.split()[0], "numpy": np.__version__, "pandas": pd.__version__,
            "scipy": scipy.__version__, "statsmodels": statsmodels.__version__,
            "pingouin": pg.__version__}
    for name, s, fixed_form in [("fixed_form", fixed, True), ("random_papers", random, False)]:
        items, test = ctt(s)
        a_rand, sd, k = alpha_random(s)
        if fixed_form:
            a = alpha_fixed(s)
            assert abs(a - a_rand) < 1e-9, (a, a_rand)  # the random-paper form reduces to α
        else:
            a = a_rand
        test["alpha"] = a
        test["sem"] = sd * math.sqrt(1 - a)
        test["items_per_paper"] = k
        expected = {"items": items, "test": test, "dif": dif(s),
                    "rasch": rasch(s, 30), "rasch_min_responses": 30}
        with open(os.path.join(OUT, f"{name}.json"), "w", encoding="utf-8") as f:
            json.dump({"meta": meta, "set": s, "expected": expected}, f, ensure_ascii=False,
                      separators=(",", ":"))
    with open(os.path.join(OUT, "equating.json"), "w", encoding="utf-8") as f:
        json.dump({"meta": meta, **equating()}, f, indent=1)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
