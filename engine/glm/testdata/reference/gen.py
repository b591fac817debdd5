"""Reference fixtures for the GLM in engine/glm.

Run through gen.sh (it builds .venv from the pinned requirements.txt first).
datasets.py draws the data, glmref.py holds the design matrix and the solvers.
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

import datasets
from glmref import (LINK, Design, compare, deviance, fam_terms, multinomial_newton,
                    multinomial_terms, newton, objective, prox_newton, relerr, sm_family, smooth)

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.path.dirname(HERE)

# ---------------------------------------------------------------- cases


def unpenalized(name, data, df, family, target, weights="", offset="", ignore=()):
    d = Design(df, target, weights, offset, ignore)
    y = d.y.astype(float)
    mod = sm.GLM(y, d.X, family=sm_family(family),
                 offset=d.off if offset else None,
                 freq_weights=d.w if weights else None)
    first = mod.fit(method="IRLS", tol=1e-13, maxiter=1000)
    iters = int(first.fit_history["iteration"])
    # statsmodels takes the covariance from the weights of the iteration before
    # the last; restarting at the solution puts them at the converged point.
    res = mod.fit(method="IRLS", tol=1e-13, maxiter=1000, start_params=first.params)
    beta = np.asarray(res.params)

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
                  "converged=%s after %d iterations, then refit from that solution "
                  "(converged=%s after %d) so bse uses the weights at the solution"
                  % (statsmodels.__version__, first.converged, iters, res.converged,
                     int(res.fit_history["iteration"])),
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
                                  "same objective" % scipy.__version__, **compare(beta, r.x), "note": LBFGS_NOTE})

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
                               max_iter=1000 if alpha == 0 else 2_000_000, random_state=0)
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

    # statsmodels fit_regularized: objective -loglike/n + penalty, so alpha_sm = lambda*W/n.
    # (With L1_wt=0 it hands over to scipy BFGS at its default tolerance, too loose
    # to check anything at 1e-6, so it is used for alpha > 0 only.)
    n = len(y)
    if alpha > 0:
        a_sm = np.where(d.pen, lam * d.W / n, 0.0)
        mod = sm.GLM(y, Z, family=sm_family(family), offset=d.off if offset else None,
                     freq_weights=d.w if weights else None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = mod.fit_regularized(method="elastic_net", alpha=a_sm, L1_wt=alpha, maxiter=2000,
                                    cnvrg_tol=1e-14, zero_tol=1e-12)
        checks.append({"library": "statsmodels %s GLM.fit_regularized(method='elastic_net', "
                                  "alpha=lambda*W/n with 0 for the intercept, L1_wt=alpha, "
                                  "cnvrg_tol=1e-14, zero_tol=1e-12, maxiter=2000)"
                                  % statsmodels.__version__, **compare(beta, r.params)})

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
                   **compare(B.T.reshape(-1), Bs.T.reshape(-1)), "note": LBFGS_NOTE})
    for solver_sk in ("newton-cholesky",):
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
    claims = datasets.write_and_reload(datasets.make_claims(), TESTDATA, "claims.csv")
    credit = datasets.write_and_reload(datasets.make_credit(), TESTDATA, "credit.csv")
    housing = datasets.write_and_reload(datasets.make_housing(), TESTDATA, "housing.csv")
    iris = datasets.write_and_reload(datasets.make_iris_like(), TESTDATA, "iris_like.csv")

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


LBFGS_NOTE = ("L-BFGS stops at the precision of its line search; this checks the objective and "
              "gradient, the other library checks the last digits")

LAMBDA = {
    "gaussian_enet_weights": 4.0,
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

