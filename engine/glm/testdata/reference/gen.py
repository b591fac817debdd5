"""Reference fixtures for the GLM in engine/glm.

Run through gen.sh (it builds .venv from the pinned requirements.txt first).
Writes the data sets claims.csv, credit.csv, housing.csv and iris_like.csv into
engine/glm/testdata/ and the expected fits into engine/glm/testdata/reference.json.
Everything is deterministic: fixed numpy seeds, one BLAS thread, and the fits are
computed from the CSV files as read back, so the fixture describes exactly the
bytes a reader of the CSV sees.

Conventions the fixtures are computed under (the GLM under test follows them):

* Predictors: every column that is not the target, the weights, the offset or
  listed in the case's "ignore". A column whose values are all numbers is
  numeric; a column of strings is categorical.
* Categorical columns are one-hot encoded. With an intercept the reference level,
  the first level in sorted byte order, is dropped (as R and statsmodels do).
  Names: a numeric column keeps its name, a level is "col.level" (District.D2),
  the intercept is "Intercept". Multinomial coefficients are "class:name"
  (setosa:Intercept, setosa:sepal_length), one full vector per class.
* Weights w_i multiply each row's log-likelihood term (statsmodels
  freq_weights semantics: W = sum w_i plays the part of the number of rows, so
  gaussian/gamma dispersion = Pearson X^2 / (W - p)). The offset adds to the
  linear predictor and is not a coefficient.
* Standardization (standardize=true): each numeric predictor x becomes
  (x - m) / s with the weighted mean m = sum w x / W and the weighted population
  sd s = sqrt(sum w (x - m)^2 / W) (w = 1 without a weights column). One-hot
  columns are not standardized. "std_coefficients" are the coefficients of the
  standardized problem; "coefficients" map them back to the original columns:
  b = b_std / s, Intercept = Intercept_std - sum b_std m / s.
* Penalized objective, minimized over the intercept(s) and b:
      (1/W) sum_i w_i l_i  +  lambda * (alpha * ||b||_1 + (1 - alpha)/2 * ||b||_2^2)
  b excludes the intercept(s) and, with standardize=true, holds the standardized
  coefficients (one-hot coefficients are penalized as they are). l_i is the
  negative log-likelihood of row i up to constants: gaussian (y - mu)^2 / 2,
  binomial -(y log mu + (1 - y) log(1 - mu)), poisson mu - y log mu,
  gamma y / mu + log mu, multinomial -log softmax(eta)_y.
  The multinomial fit is invariant under adding one constant to every class
  intercept; the fixture fixes that freedom by making the intercepts sum to 0.
  "objective" in each case is this value at the solution (lambda = 0 for the
  unpenalized cases).
* deviance, null_deviance, aic, scale, std_errors (bse), z_values (tvalues),
  p_values (pvalues, normal distribution) are what statsmodels GLMResults
  reports (version in reference.json). For gaussian with identity link
  statsmodels' AIC uses the profile log-likelihood (sigma^2 = sum w r^2 / W); for
  gamma it uses the log-likelihood at the Pearson scale; in both cases only the
  mean parameters are counted (k = p). For penalized fits, deviance is the same
  statsmodels deviance function at the penalized solution; multinomial
  deviance is 2 sum w_i (-log p_i,y_i).

Each case records which solver produced it and how it was cross-checked
("cross_check": library, max relative difference over non-zero coefficients,
largest absolute value the other library gave to a coefficient that is exactly
0.0 here).
"""

import json
import math
import os
import platform
import sys
import warnings

import numpy as np
import pandas as pd
import scipy
import scipy.optimize
import scipy.special
import sklearn
import statsmodels
import statsmodels.api as sm
from sklearn.linear_model import ElasticNet, LogisticRegression, PoissonRegressor

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(os.path.dirname(TESTDATA)))

# ---------------------------------------------------------------- data sets


def make_claims():
    rng = np.random.default_rng(20240601)
    n = 1200
    district = rng.choice(["D1", "D2", "D3", "D4"], size=n)
    group = rng.choice(["G1", "G2", "G3", "G4"], size=n)
    age = rng.choice(["A1", "A2", "A3", "A4"], size=n)
    holders = np.round(np.exp(rng.uniform(np.log(20), np.log(2000), size=n))).astype(np.int64)
    log_holders = np.log(holders.astype(float))
    density = np.round(np.exp(rng.normal(np.log(800), 0.9, size=n)), 1)
    eff_d = {"D1": 0.0, "D2": 0.12, "D3": -0.2, "D4": 0.28}
    eff_g = {"G1": 0.0, "G2": 0.3, "G3": 0.55, "G4": 0.8}
    eff_a = {"A1": 0.0, "A2": -0.25, "A3": -0.4, "A4": -0.62}
    eta = (log_holders - 2.1 + np.array([eff_d[v] for v in district])
           + np.array([eff_g[v] for v in group]) + np.array([eff_a[v] for v in age])
           + 1.5e-4 * (density - 800.0))
    claims = rng.poisson(np.exp(eta))
    return pd.DataFrame({"District": district, "Group": group, "Age": age, "Holders": holders,
                         "logHolders": log_holders, "Density": density, "Claims": claims})


def make_credit():
    rng = np.random.default_rng(20240602)
    n = 2000
    income = np.round(np.exp(rng.normal(np.log(55.0), 0.5, size=n)), 2)  # thousands
    age = rng.integers(21, 76, size=n)
    debt_ratio = np.round(rng.beta(2.0, 4.0, size=n), 4)
    balance = np.round(rng.gamma(2.0, 4000.0, size=n), 2)  # dollars
    score = np.round(rng.uniform(300, 850, size=n), 1)  # no effect
    color = rng.choice(["red", "green", "blue", "yellow", "purple"], size=n)
    w = np.round(rng.uniform(0.5, 3.0, size=n), 2)
    eff_c = {"blue": 0.0, "green": 0.35, "purple": -0.45, "red": 0.7, "yellow": 0.03}
    eta = (-1.0 - 0.018 * (income - 60.0) - 0.03 * (age - 48.0) + 2.6 * (debt_ratio - 0.33)
           + 5.0e-5 * (balance - 8000.0) + np.array([eff_c[v] for v in color]))
    default = (rng.uniform(size=n) < scipy.special.expit(eta)).astype(np.int64)
    return pd.DataFrame({"income": income, "age": age, "debt_ratio": debt_ratio,
                         "balance": balance, "score": score, "color": color, "w": w,
                         "default": default})


def make_housing():
    rng = np.random.default_rng(20240603)
    n = 1500
    sqft = rng.integers(600, 4001, size=n)
    age = rng.integers(0, 101, size=n)
    dist_km = np.round(np.exp(rng.uniform(np.log(0.2), np.log(40.0), size=n)), 3)
    rooms = np.clip(np.round(sqft / 500.0 + rng.normal(0, 0.8, size=n)), 1, 8).astype(np.int64)
    lot_ratio = np.round(rng.uniform(0.05, 0.95, size=n), 4)
    noise1 = np.round(rng.normal(0.0, 1.0, size=n), 4)
    noise2 = np.round(rng.uniform(0.0, 1000.0, size=n), 2)
    zone = rng.choice(["north", "south", "east", "west", "center"], size=n)
    w = np.round(rng.uniform(0.25, 4.0, size=n), 2)
    eff_p = {"center": 0.0, "east": -25.0, "north": -12.0, "south": -40.0, "west": -1.0}
    price = (60.0 + 0.11 * sqft - 0.7 * age - 2.5 * dist_km + 8.0 * rooms + 30.0 * lot_ratio
             + np.array([eff_p[v] for v in zone]) + rng.normal(0.0, 30.0, size=n) / np.sqrt(w))
    eff_c = {"center": 0.0, "east": -0.1, "north": 0.05, "south": -0.2, "west": 0.15}
    mean_cost = np.exp(1.2 + 2.5e-4 * sqft + 0.004 * age - 0.01 * dist_km
                       + np.array([eff_c[v] for v in zone]))
    cost = rng.gamma(4.0, mean_cost / 4.0)
    cost = np.array([float("%.6g" % max(c, 1e-3)) for c in cost])
    return pd.DataFrame({"sqft": sqft, "age": age, "dist_km": dist_km, "rooms": rooms,
                         "lot_ratio": lot_ratio, "noise1": noise1, "noise2": noise2,
                         "zone": zone, "w": w, "price": np.round(price, 3), "cost": cost})


def make_iris_like():
    rng = np.random.default_rng(20240604)
    per = 150
    means = {"setosa": (5.0, 3.4, 2.6, 0.6), "versicolor": (5.9, 2.8, 4.2, 1.3),
             "virginica": (6.5, 3.0, 5.1, 1.9)}
    sds = (0.55, 0.4, 0.75, 0.4)
    rows = []
    for cls, mu in means.items():
        x = rng.normal(mu, sds, size=(per, 4))
        for r in x:
            rows.append((*np.round(r, 3), cls))
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    return pd.DataFrame(rows, columns=["sepal_length", "sepal_width", "petal_length",
                                       "petal_width", "species"])


def write_and_reload(df, name):
    path = os.path.join(TESTDATA, name)
    df.to_csv(path, index=False, lineterminator="\n")
    back = pd.read_csv(path, keep_default_na=False)
    for c in df.columns:  # the CSV must round-trip exactly
        a, b = df[c].to_numpy(), back[c].to_numpy()
        if df[c].dtype.kind in "fiu":
            assert b.dtype.kind in "fiu" and np.array_equal(a.astype(float), b.astype(float)), c
        else:
            assert [str(v) for v in a] == [str(v) for v in b], c
            assert not any(_is_number(str(v)) for v in b), c
    return back


def _is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


# ---------------------------------------------------------------- designs


class Design:
    """Model matrix with intercept first, then predictors in CSV column order."""

    def __init__(self, df, target, weights, offset, ignore, standardize=True):
        skip = {target, weights, offset, *ignore} - {""}
        n = len(df)
        self.y = df[target].to_numpy()
        self.w = df[weights].to_numpy(float) if weights else np.ones(n)
        self.off = df[offset].to_numpy(float) if offset else np.zeros(n)
        self.W = float(self.w.sum())
        names, cols, numeric = ["Intercept"], [np.ones(n)], [False]
        for c in df.columns:
            if c in skip:
                continue
            v = df[c].to_numpy()
            if v.dtype.kind in "fiu":
                names.append(c)
                cols.append(v.astype(float))
                numeric.append(True)
            else:
                v = np.array([str(s) for s in v])
                for lev in sorted(set(v.tolist()))[1:]:
                    names.append(f"{c}.{lev}")
                    cols.append((v == lev).astype(float))
                    numeric.append(False)
        self.names = names
        self.X = np.column_stack(cols)
        self.numeric = np.array(numeric)
        self.mean = np.zeros(len(names))
        self.sd = np.ones(len(names))
        for j in np.flatnonzero(self.numeric):
            m = float(np.sum(self.w * self.X[:, j]) / self.W)
            s = math.sqrt(float(np.sum(self.w * (self.X[:, j] - m) ** 2) / self.W))
            self.mean[j], self.sd[j] = m, s
        self.standardize = standardize
        self.Z = self.X.copy()
        for j in np.flatnonzero(self.numeric):
            self.Z[:, j] = (self.X[:, j] - self.mean[j]) / self.sd[j]
        self.pen = np.ones(len(names), bool)
        self.pen[0] = False

    def to_orig(self, b_std):
        b = b_std / self.sd
        b[0] = b_std[0] - np.sum((b_std * self.mean / self.sd)[self.numeric])
        return b

    def to_std(self, b):
        s = b * self.sd
        s[0] = b[0] + np.sum((b * self.mean)[self.numeric])
        return s

    def named(self, v):
        return {k: float(x) for k, x in zip(self.names, v)}


# ---------------------------------------------------------------- families
# d1, d2: first and second derivative of l_i with respect to eta.


def fam_terms(family, y, eta):
    if family == "gaussian":
        mu = eta
        return mu, 0.5 * (y - mu) ** 2, mu - y, np.ones_like(mu)
    if family == "binomial":
        mu = scipy.special.expit(eta)
        l = np.logaddexp(0.0, eta) - y * eta
        return mu, l, mu - y, mu * (1.0 - mu)
    if family == "poisson":
        mu = np.exp(eta)
        return mu, mu - y * eta, mu - y, mu
    if family == "gamma":
        mu = np.exp(eta)
        return mu, y / mu + eta, 1.0 - y / mu, y / mu
    raise ValueError(family)


def deviance(family, y, mu, w):
    if family == "gaussian":
        return float(np.sum(w * (y - mu) ** 2))
    if family == "binomial":
        return float(-2 * np.sum(w * (scipy.special.xlogy(y, mu) + scipy.special.xlogy(1 - y, 1 - mu))))
    if family == "poisson":
        return float(2 * np.sum(w * (scipy.special.xlogy(y, y / mu) - (y - mu))))
    if family == "gamma":
        return float(2 * np.sum(w * (-np.log(y / mu) + (y - mu) / mu)))
    raise ValueError(family)


def sm_family(family):
    return {"gaussian": sm.families.Gaussian(),
            "binomial": sm.families.Binomial(),
            "poisson": sm.families.Poisson(),
            "gamma": sm.families.Gamma(link=sm.families.links.Log())}[family]


LINK = {"gaussian": "identity", "binomial": "logit", "poisson": "log", "gamma": "log",
        "multinomial": "softmax"}


def objective(d, family, beta_std, lam, alpha):
    y = d.y.astype(float)
    _, l, _, _ = fam_terms(family, y, d.Z @ beta_std + d.off)
    b = beta_std[d.pen]
    return float(np.sum(d.w * l) / d.W
                 + lam * (alpha * np.sum(np.abs(b)) + (1 - alpha) / 2 * np.sum(b * b)))


def smooth(d, family, beta, lam2, Z):
    y = d.y.astype(float)
    _, l, d1, d2 = fam_terms(family, y, Z @ beta + d.off)
    pen = d.pen[:Z.shape[1]]  # Z may be the intercept column alone
    f = np.sum(d.w * l) / d.W + lam2 / 2 * np.sum(beta[pen] ** 2)
    g = Z.T @ (d.w * d1) / d.W + lam2 * np.where(pen, beta, 0.0)
    H = (Z * (d.w * d2)[:, None]).T @ Z / d.W + lam2 * np.diag(pen.astype(float))
    return f, g, H


# ---------------------------------------------------------------- our solvers


def newton(d, family, lam2, Z, beta0=None, rows=None):
    """Damped Newton on the smooth objective; stops when a step no longer moves beta."""
    beta = np.zeros(Z.shape[1]) if beta0 is None else beta0.copy()
    if beta0 is None:
        y = d.y.astype(float)
        ybar = np.sum(d.w * y) / d.W
        if family == "gaussian":
            beta[0] = ybar
        elif family == "binomial":
            beta[0] = math.log(ybar / (1 - ybar))
        else:
            beta[0] = math.log(ybar) - float(np.sum(d.w * d.off) / d.W)
    f, g, H = smooth(d, family, beta, lam2, Z)
    for it in range(200):
        step = np.linalg.solve(H, g)
        t = 1.0
        while True:
            nb = beta - t * step
            nf, ng, nH = smooth(d, family, nb, lam2, Z)
            if nf <= f + 1e-15 * abs(f) or t < 1e-10:
                break
            t /= 2
        moved = np.max(np.abs(nb - beta) / np.maximum(np.abs(nb), 1e-8))
        beta, f, g, H = nb, nf, ng, nH
        if moved < 1e-15 and it > 3:
            break
    return beta, it


def soft(x, t):
    return np.sign(x) * np.maximum(np.abs(x) - t, 0.0)


def prox_newton(d, family, lam, alpha, Z):
    """Proximal Newton (quadratic model solved by cyclic coordinate descent) for
    alpha > 0, then an exact Newton polish on the active set with the signs fixed,
    then a KKT check. Returns beta with exact zeros and the KKT margins."""
    lam1, lam2 = lam * alpha, lam * (1 - alpha)
    p = Z.shape[1]
    pen = d.pen

    def full_obj(b):
        f, _, _ = smooth(d, family, b, lam2, Z)
        return f + lam1 * np.sum(np.abs(b[pen]))

    beta, _ = newton(d, family, 0.0, Z[:, :1])
    beta = np.concatenate([beta, np.zeros(p - 1)])
    for outer in range(500):
        f, g, H = smooth(d, family, beta, lam2, Z)
        b = beta.copy()
        for sweep in range(20000):  # minimize the quadratic model + L1 in b
            biggest = 0.0
            for j in range(p):
                r = g[j] + H[j] @ (b - beta) - H[j, j] * b[j]
                new = -soft(r, lam1) / H[j, j] if pen[j] else -r / H[j, j]
                biggest = max(biggest, abs(new - b[j]) / max(abs(new), 1.0))
                b[j] = new
            if biggest < 1e-15:
                break
        step = b - beta
        t, f0 = 1.0, full_obj(beta)
        while full_obj(beta + t * step) > f0 + 1e-16 * abs(f0) and t > 1e-12:
            t /= 2
        nb = beta + t * step
        moved = np.max(np.abs(nb - beta) / np.maximum(np.abs(nb), 1.0))
        same_support = np.array_equal(nb == 0, beta == 0)
        beta = nb
        if moved < 1e-13 and same_support:
            break  # the polish below takes it to the last bits
    # polish: smooth problem on the active set with sign(b_j) fixed
    for _ in range(5):
        act = (beta != 0) | ~pen
        sign = np.sign(beta)
        for it in range(100):
            f, g, H = smooth(d, family, beta, lam2, Z)
            ga = g[act] + lam1 * np.where(pen[act], sign[act], 0.0)
            stepa = np.linalg.solve(H[np.ix_(act, act)], ga)
            nb = beta.copy()
            nb[act] -= stepa
            moved = np.max(np.abs(nb - beta) / np.maximum(np.abs(nb), 1e-8))
            beta = nb
            if moved < 1e-15 and it > 2:
                break
        assert np.all(np.sign(beta[act & pen]) == sign[act & pen]), "sign flip in polish"
        f, g, H = smooth(d, family, beta, lam2, Z)
        zero = pen & (beta == 0)
        viol = zero & (np.abs(g) > lam1)
        if not viol.any():
            break
        raise RuntimeError("KKT violated after polish: %s" % np.array(d.names)[viol])
    grad_nz = g + lam1 * np.sign(beta) * pen
    kkt = {"max_abs_gradient_nonzero": float(np.max(np.abs(grad_nz[~zero]))),
           "min_zero_margin": float(np.min(1 - np.abs(g[zero]) / lam1)) if zero.any() else None,
           "min_abs_nonzero_std_coefficient": float(np.min(np.abs(beta[pen & ~zero])))}
    return beta, kkt


def multinomial_terms(X, Y, w, W, B, lam, pen, center):
    """Objective, gradient and Hessian of the ridge-penalized multinomial problem
    in vec(B) (column k = class k), plus center/2 * (sum of intercepts)^2."""
    n, p = X.shape
    K = Y.shape[1]
    eta = X @ B
    lse = scipy.special.logsumexp(eta, axis=1)
    P = np.exp(eta - lse[:, None])
    f = np.sum(w * (lse - np.sum(Y * eta, axis=1))) / W + lam / 2 * np.sum(B[pen] ** 2)
    G = X.T @ (w[:, None] * (P - Y)) / W + lam * np.where(pen[:, None], B, 0.0)
    H = np.zeros((p * K, p * K))
    for k in range(K):
        for m in range(K):
            c = w * P[:, k] * ((k == m) - P[:, m])
            H[k * p:(k + 1) * p, m * p:(m + 1) * p] = (X * c[:, None]).T @ X / W
    H += lam * np.diag(np.tile(pen.astype(float), K))
    s = np.sum(B[0])
    f += center / 2 * s * s
    G[0] += center * s
    for k in range(K):
        for m in range(K):
            H[k * p, m * p] += center
    return f, G, H, P


def multinomial_newton(X, Y, w, lam, pen):
    W = float(w.sum())
    p, K = X.shape[1], Y.shape[1]
    B = np.zeros((p, K))
    f, G, H, _ = multinomial_terms(X, Y, w, W, B, lam, pen, 1.0)
    for it in range(200):
        step = np.linalg.solve(H, G.T.reshape(-1)).reshape(K, p).T
        t = 1.0
        while True:
            nB = B - t * step
            nf, nG, nH, _ = multinomial_terms(X, Y, w, W, nB, lam, pen, 1.0)
            if nf <= f + 1e-15 * abs(f) or t < 1e-10:
                break
            t /= 2
        moved = np.max(np.abs(nB - B) / np.maximum(np.abs(nB), 1e-8))
        B, f, G, H = nB, nf, nG, nH
        if moved < 1e-15 and it > 3:
            break
    return B, it


# ---------------------------------------------------------------- comparison


def compare(ours, theirs, zero_atol=0.0):
    """Max relative difference over coefficients that are not 0 here, and the
    largest |value| the other solver gave where ours is exactly 0."""
    ours, theirs = np.asarray(ours, float), np.asarray(theirs, float)
    nz = ours != 0
    rel = float(np.max(np.abs(ours[nz] - theirs[nz]) / np.abs(ours[nz])))
    at_zero = float(np.max(np.abs(theirs[~nz]))) if (~nz).any() else 0.0
    return {"max_rel_diff": rel, "max_abs_at_zero": at_zero}


def relerr(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


# ---------------------------------------------------------------- cases


def unpenalized(name, data, df, family, target, weights="", offset="", ignore=()):
    d = Design(df, target, weights, offset, ignore)
    y = d.y.astype(float)
    mod = sm.GLM(y, d.X, family=sm_family(family),
                 offset=d.off if offset else None,
                 freq_weights=d.w if weights else None)
    res = mod.fit(method="IRLS", tol=1e-13, maxiter=1000)
    beta = np.asarray(res.params)
    iters = int(res.fit_history["iteration"])

    # Cross-check: our own Newton in the standardized parametrization.
    mine_std, _ = newton(d, family, 0.0, d.Z)
    mine = d.to_orig(mine_std)
    cc = compare(beta, mine)
    mu = np.asarray(res.mu)
    p = d.X.shape[1]
    fisher = {"gaussian": np.ones_like(mu), "binomial": mu * (1 - mu), "poisson": mu,
              "gamma": np.ones_like(mu)}[family]
    dev = deviance(family, y, mu, d.w)
    if family in ("gaussian", "gamma"):
        var = np.ones_like(mu) if family == "gaussian" else mu ** 2
        scale = float(np.sum(d.w * (y - mu) ** 2 / var) / (d.W - p))
    else:
        scale = 1.0
    cov = np.linalg.inv((d.X * (d.w * fisher)[:, None]).T @ d.X) * scale
    se = np.sqrt(np.diag(cov))
    # null deviance: intercept-only model (with the offset) by our Newton
    nb, _ = newton(d, family, 0.0, d.Z[:, :1])
    mu0, _, _, _ = fam_terms(family, y, d.Z[:, :1] @ nb + d.off)
    null_dev = deviance(family, y, mu0, d.w)
    checks = {
        "coefficients": cc["max_rel_diff"],
        "std_errors": float(np.max(np.abs(se - res.bse) / res.bse)),
        "deviance": relerr(dev, res.deviance),
        "null_deviance": relerr(null_dev, res.null_deviance),
        "scale": relerr(scale, float(res.scale)),
    }
    b_std = d.to_std(beta)
    exp = {
        "coefficients": d.named(beta),
        "std_coefficients": d.named(b_std),
        "std_errors": d.named(res.bse),
        "z_values": d.named(res.tvalues),
        "p_values": d.named(res.pvalues),
        "deviance": float(res.deviance),
        "null_deviance": float(res.null_deviance),
        "aic": float(res.aic),
        "scale": float(res.scale),
        "nobs": int(res.nobs),
        "sum_weights": d.W,
        "df_resid": float(res.df_resid),
        "objective": objective(d, family, b_std, 0.0, 0.0),
    }
    aic_note = {
        "gaussian": "statsmodels: -2*llf + 2*p with the profile log-likelihood, "
                    "sigma^2 = sum w r^2 / W (not the reported scale)",
        "gamma": "statsmodels: -2*llf + 2*p, llf of the gamma density at the reported "
                 "(Pearson) scale",
    }.get(family, "statsmodels: -2*llf + 2*p")
    return {
        "name": name, "data": data, "family": family, "link": LINK[family],
        "target": target, "weights": weights, "offset": offset, "ignore": list(ignore),
        "alpha": 0, "lambda": 0, "standardize": True, "intercept": True,
        "solver": "statsmodels %s GLM.fit(method='IRLS', tol=1e-13, maxiter=1000): "
                  "converged=%s after %d iterations" % (statsmodels.__version__, res.converged, iters),
        "aic_definition": aic_note,
        "cross_check": {
            "method": "own damped Newton on the standardized problem (numpy), mapped back; "
                      "standard errors from inv(X'WX)*scale with Fisher weights; deviances "
                      "from the closed forms; intercept-only fit for the null deviance",
            "max_rel_diff": checks,
        },
        "expected": exp,
    }


def penalized(name, data, df, family, target, lam, alpha, weights="", offset="", ignore=(),
              standardize=True):
    d = Design(df, target, weights, offset, ignore, standardize)
    y = d.y.astype(float)
    Z = d.Z if standardize else d.X
    if alpha == 0:
        beta, iters = newton(d, family, lam, Z)
        solver = ("own damped Newton with the exact Hessian (numpy), stopped when a step "
                  "changed no coefficient by more than 1e-15 relative (%d iterations)" % iters)
        kkt = None
    else:
        beta, kkt = prox_newton(d, family, lam, alpha, Z)
        solver = ("own proximal Newton with cyclic coordinate descent on the quadratic model "
                  "(numpy) to a 1e-15 change, then Newton on the active set with the signs "
                  "fixed, then the KKT conditions checked for the zero coefficients")
    b_std = beta if standardize else d.to_std(beta)
    b_orig = d.to_orig(beta) if standardize else beta
    Zp = Z[:, 1:]
    checks = []

    # scipy on the smooth (alpha = 0) objective, from zero
    if alpha == 0:
        fun = lambda b: smooth(d, family, b, lam * (1 - alpha), Z)[:2]
        r = scipy.optimize.minimize(fun, np.zeros(Z.shape[1]), jac=True, method="L-BFGS-B",
                                    options={"ftol": 1e-300, "gtol": 1e-14, "maxiter": 100000,
                                             "maxcor": 30})
        checks.append({"library": "scipy %s optimize.minimize L-BFGS-B (gtol 1e-14) on the "
                                  "same objective" % scipy.__version__, **compare(beta, r.x)})

    # scikit-learn
    if family == "gaussian":
        m = ElasticNet(alpha=lam, l1_ratio=alpha, fit_intercept=True, tol=1e-16,
                       max_iter=10_000_000, selection="cyclic")
        m.fit(Zp, y, sample_weight=d.w)
        theirs = np.concatenate([[m.intercept_], m.coef_])
        checks.append({"library": "scikit-learn %s ElasticNet(alpha=lambda, l1_ratio=alpha, "
                                  "tol=1e-16), sample_weight=w" % sklearn.__version__,
                       **compare(beta, theirs)})
    elif family == "binomial":
        C = 1.0 / (lam * d.W)
        solver_sk = "newton-cholesky" if alpha == 0 else "saga"
        m = LogisticRegression(C=C, l1_ratio=alpha, solver=solver_sk, tol=1e-15 if alpha == 0 else 1e-12,
                               max_iter=1000 if alpha == 0 else 2_000_000)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.fit(Zp, y, sample_weight=d.w)
        theirs = np.concatenate([m.intercept_, m.coef_[0]])
        checks.append({"library": "scikit-learn %s LogisticRegression(C=1/(lambda*W)=%r, "
                                  "l1_ratio=%r, solver=%r, tol=%g), sample_weight=w"
                                  % (sklearn.__version__, C, alpha, solver_sk, m.tol),
                       **compare(beta, theirs)})
    elif family == "poisson" and alpha == 0:
        # offset log(E): the rate y/E with sample_weight E has the same objective
        # up to the factor n / sum(E)
        E = np.exp(d.off)
        m = PoissonRegressor(alpha=lam * d.W / E.sum(), fit_intercept=True, solver="newton-cholesky",
                             tol=1e-15, max_iter=1000)
        m.fit(Zp, y / E, sample_weight=E * d.w)
        theirs = np.concatenate([[m.intercept_], m.coef_])
        checks.append({"library": "scikit-learn %s PoissonRegressor(alpha=lambda*W/sum(E), "
                                  "solver='newton-cholesky', tol=1e-15) on y/E with "
                                  "sample_weight=E, E=exp(offset)" % sklearn.__version__,
                       **compare(beta, theirs)})

    # statsmodels fit_regularized: objective -loglike/n + penalty, so alpha_sm = lambda*W/n
    n = len(y)
    a_sm = np.where(d.pen, lam * d.W / n, 0.0)
    mod = sm.GLM(y, Z, family=sm_family(family), offset=d.off if offset else None,
                 freq_weights=d.w if weights else None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if alpha == 0:
            r = mod.fit_regularized(method="elastic_net", alpha=a_sm, L1_wt=0.0, start_params=beta * 0.9)
            how = "L1_wt=0 (scipy BFGS, default tolerance; started at 0.9*solution)"
        else:
            r = mod.fit_regularized(method="elastic_net", alpha=a_sm, L1_wt=alpha, maxiter=2000,
                                    cnvrg_tol=1e-14, zero_tol=1e-12)
            how = "L1_wt=alpha, cnvrg_tol=1e-14, zero_tol=1e-12, maxiter=2000 (coordinate descent)"
    checks.append({"library": "statsmodels %s GLM.fit_regularized(method='elastic_net', "
                              "alpha=lambda*W/n with 0 for the intercept, %s)"
                              % (statsmodels.__version__, how), **compare(beta, r.params)})

    mu, _, _, _ = fam_terms(family, y, Z @ beta + d.off)
    # null deviance: intercept-only, unpenalized
    nb, _ = newton(d, family, 0.0, Z[:, :1])
    mu0, _, _, _ = fam_terms(family, y, Z[:, :1] @ nb + d.off)
    exp = {"coefficients": d.named(b_orig)}
    if standardize:
        exp["std_coefficients"] = d.named(b_std)
    exp.update({
        "deviance": deviance(family, y, mu, d.w),
        "null_deviance": deviance(family, y, mu0, d.w),
        "nobs": int(n),
        "sum_weights": d.W,
        "objective": (objective(d, family, b_std, lam, alpha) if standardize else
                      float(smooth(d, family, beta, lam * (1 - alpha), d.X)[0]
                            + lam * alpha * np.sum(np.abs(beta[d.pen])))),
    })
    case = {
        "name": name, "data": data, "family": family, "link": LINK[family],
        "target": target, "weights": weights, "offset": offset, "ignore": list(ignore),
        "alpha": alpha, "lambda": lam, "standardize": standardize, "intercept": True,
        "solver": solver,
        "cross_check": checks,
        "expected": exp,
    }
    if kkt:
        case["kkt"] = kkt
    return case


def multinomial_ridge(name, data, df, target, lam):
    d = Design(df.drop(columns=[target]).assign(_y=0.0), "_y", "", "", ())
    classes = sorted(set(df[target].astype(str)))
    yv = df[target].astype(str).to_numpy()
    Y = np.column_stack([(yv == c).astype(float) for c in classes])
    B, iters = multinomial_newton(d.Z, Y, d.w, lam, d.pen)
    n = len(yv)
    checks = []
    # scipy L-BFGS on the same objective without the centering term, centered afterwards
    K, p = len(classes), d.Z.shape[1]

    def fun(v):
        f, G, _, _ = multinomial_terms(d.Z, Y, d.w, d.W, v.reshape(K, p).T, lam, d.pen, 0.0)
        return f, G.T.reshape(-1)

    r = scipy.optimize.minimize(fun, np.zeros(p * K), jac=True, method="L-BFGS-B",
                                options={"ftol": 1e-300, "gtol": 1e-14, "maxiter": 100000, "maxcor": 30})
    Bs = r.x.reshape(K, p).T.copy()
    Bs[0] -= Bs[0].mean()
    checks.append({"library": "scipy %s optimize.minimize L-BFGS-B (gtol 1e-14) on the same "
                              "objective, intercepts centered afterwards" % scipy.__version__,
                   **compare(B.T.reshape(-1), Bs.T.reshape(-1))})
    for solver_sk in ("newton-cholesky", "lbfgs"):
        m = LogisticRegression(C=1.0 / (lam * d.W), l1_ratio=0.0, solver=solver_sk, tol=1e-15,
                               max_iter=100000)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.fit(d.Z[:, 1:], yv)
        assert list(m.classes_) == classes
        Bk = np.vstack([m.intercept_ - m.intercept_.mean(), m.coef_.T])
        checks.append({"library": "scikit-learn %s LogisticRegression(C=1/(lambda*n), l1_ratio=0, "
                                  "solver=%r, tol=1e-15), intercepts centered"
                                  % (sklearn.__version__, solver_sk),
                       **compare(B.T.reshape(-1), Bk.T.reshape(-1))})

    coef, std = {}, {}
    for k, c in enumerate(classes):
        bo = d.to_orig(B[:, k])
        for j, nm in enumerate(d.names):
            std[f"{c}:{nm}"] = float(B[j, k])
            coef[f"{c}:{nm}"] = float(bo[j])
    eta = d.Z @ B
    lp = eta - scipy.special.logsumexp(eta, axis=1)[:, None]
    dev = float(-2 * np.sum(d.w * np.sum(Y * lp, axis=1)))
    counts = Y.sum(axis=0)
    null_dev = float(-2 * np.sum(counts * np.log(counts / n)))
    obj = float(np.sum(d.w * -np.sum(Y * lp, axis=1)) / d.W + lam / 2 * np.sum(B[d.pen] ** 2))
    return {
        "name": name, "data": data, "family": "multinomial", "link": "softmax",
        "target": target, "weights": "", "offset": "", "ignore": [],
        "alpha": 0, "lambda": lam, "standardize": True, "intercept": True,
        "classes": classes,
        "solver": "own damped Newton on all K coefficient vectors with the exact Hessian (numpy), "
                  "plus 1/2*(sum of intercepts)^2 to pick the centered solution (%d iterations)" % iters,
        "cross_check": checks,
        "expected": {"coefficients": coef, "std_coefficients": std, "deviance": dev,
                     "null_deviance": null_dev, "nobs": n, "sum_weights": d.W, "objective": obj},
    }


def main():
    claims = write_and_reload(make_claims(), "claims.csv")
    credit = write_and_reload(make_credit(), "credit.csv")
    housing = write_and_reload(make_housing(), "housing.csv")
    iris = write_and_reload(make_iris_like(), "iris_like.csv")

    cases = [
        unpenalized("poisson_offset_unpenalized", "claims.csv", claims, "poisson", "Claims",
                    offset="logHolders", ignore=["Holders"]),
        unpenalized("binomial_weights_unpenalized", "credit.csv", credit, "binomial", "default",
                    weights="w"),
        unpenalized("gaussian_weights_unpenalized", "housing.csv", housing, "gaussian", "price",
                    weights="w", ignore=["cost"]),
        unpenalized("gamma_log_unpenalized", "housing.csv", housing, "gamma", "cost",
                    ignore=["price", "w"]),
        penalized("gaussian_enet_weights", "housing.csv", housing, "gaussian", "price",
                  lam=LAMBDA["gaussian_enet_weights"], alpha=0.5, weights="w", ignore=["cost"]),
        penalized("binomial_ridge_weights", "credit.csv", credit, "binomial", "default",
                  lam=LAMBDA["binomial_ridge_weights"], alpha=0.0, weights="w"),
        penalized("binomial_lasso_weights", "credit.csv", credit, "binomial", "default",
                  lam=LAMBDA["binomial_lasso_weights"], alpha=1.0, weights="w"),
        penalized("binomial_ridge_unstandardized", "credit.csv", credit, "binomial", "default",
                  lam=LAMBDA["binomial_ridge_unstandardized"], alpha=0.0, weights="w",
                  standardize=False),
        penalized("poisson_ridge_offset", "claims.csv", claims, "poisson", "Claims",
                  lam=LAMBDA["poisson_ridge_offset"], alpha=0.0, offset="logHolders",
                  ignore=["Holders"]),
        multinomial_ridge("multinomial_ridge", "iris_like.csv", iris, "species",
                          lam=LAMBDA["multinomial_ridge"]),
    ]
    out = {
        "generator": "engine/glm/testdata/reference/gen.py",
        "python": platform.python_version(),
        "libraries": {"statsmodels": statsmodels.__version__, "scikit-learn": sklearn.__version__,
                      "numpy": np.__version__, "scipy": scipy.__version__, "pandas": pd.__version__},
        "objective": OBJECTIVE,
        "conventions": CONVENTIONS,
        "cases": cases,
    }
    with open(os.path.join(TESTDATA, "reference.json"), "w") as f:
        json.dump(out, f, indent=1, allow_nan=False)
        f.write("\n")
    for c in cases:
        cc = c["cross_check"]
        print(c["name"], file=sys.stderr)
        for x in (cc if isinstance(cc, list) else [cc]):
            print("   ", x.get("library", x.get("method"))[:70], x.get("max_rel_diff"),
                  x.get("max_abs_at_zero", ""), file=sys.stderr)


LAMBDA = {
    "gaussian_enet_weights": 2.0,
    "binomial_ridge_weights": 0.01,
    "binomial_lasso_weights": 0.01,
    "binomial_ridge_unstandardized": 0.001,
    "poisson_ridge_offset": 0.01,
    "multinomial_ridge": 0.001,
}

OBJECTIVE = ("minimize over the intercept(s) and b: (1/W) * sum_i w_i * l_i + lambda * (alpha * "
             "||b||_1 + (1 - alpha)/2 * ||b||_2^2), W = sum_i w_i, b = all coefficients but the "
             "intercept(s) (standardized numeric coefficients when standardize=true; one-hot "
             "coefficients as they are), l_i = negative log-likelihood of row i up to constants: "
             "gaussian (y-mu)^2/2, binomial -(y log mu + (1-y) log(1-mu)), poisson mu - y log mu, "
             "gamma y/mu + log mu, multinomial -log softmax(eta)_y; eta includes the offset")

CONVENTIONS = {
    "predictors": "every column except target, weights, offset and ignore; numeric columns "
                  "as they are, string columns one-hot with the first level in sorted byte "
                  "order dropped (intercept present); names col, col.level, Intercept; "
                  "multinomial class:name with one vector per class and no reference class",
    "weights": "frequency weights (statsmodels freq_weights): W = sum w replaces n, "
               "dispersion = Pearson X^2 / (W - p)",
    "standardize": "numeric x -> (x - m)/s, m = sum w x / W, s = sqrt(sum w (x - m)^2 / W); "
                   "one-hot columns unchanged; coefficients = std_coefficients / s, "
                   "Intercept = Intercept_std - sum std_coefficient * m / s",
    "multinomial_intercepts": "the objective is invariant to adding one constant to all "
                              "intercepts; the fixture gives the solution whose intercepts sum to 0",
    "exact_zeros": "coefficients that are 0 at the optimum are exactly 0.0",
    "statistics": "deviance, null_deviance, aic, scale, std_errors (bse), z_values (tvalues), "
                  "p_values (pvalues, normal) as statsmodels GLMResults reports them; penalized "
                  "cases: deviance at the penalized solution by the same formula; multinomial "
                  "deviance 2 * sum w (-log p_y), null deviance from the class frequencies",
}

if __name__ == "__main__":
    main()
