"""Design matrices, GLM family terms and the high-precision solvers that
gen.py uses for the penalized references (see gen.py for the conventions).
"""

import math

import numpy as np
import scipy.special
import statsmodels.api as sm

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
        return {k: float(x) + 0.0 for k, x in zip(self.names, v)}  # + 0.0: no "-0.0"

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

def newton(d, family, lam2, Z, beta0=None):
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

def compare(ours, theirs):
    """Max relative difference over coefficients that are not 0 here, and the
    largest |value| the other solver gave where ours is exactly 0."""
    ours, theirs = np.asarray(ours, float), np.asarray(theirs, float)
    nz = ours != 0
    rel = float(np.max(np.abs(ours[nz] - theirs[nz]) / np.abs(ours[nz])))
    at_zero = float(np.max(np.abs(theirs[~nz]))) if (~nz).any() else None
    return {"max_rel_diff": rel, "max_abs_at_zero": at_zero}

def relerr(a, b):
    return float(abs(a - b) / max(abs(b), 1e-300))

