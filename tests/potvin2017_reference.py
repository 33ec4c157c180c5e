"""Test oracle: a literal port of Potvin & Fuglevand's MATLAB fatigue model loop.

Follows MatLab_Code_Potvin_Fuglevand_2017_Muscle_Fatigue_Model.m (JimPotvin/
Potvin_Fuglevand_Muscle_Fatigue_Model @ 15462f8) statement by statement, including its
hop-and-step search for the excitation (hop = 20) and its start just below the rested
excitation; vectorised over motor units only. Slow: for short contractions in tests.
It builds every table itself from the paper's equations (it does not import failurelab).
"""

import numpy as np


def run(fthscale, fthtime, nu=120, samprate=10, res=100, hop=20, r=50, fat=180, FatFac=0.0225,
        tau=22, adaptSF=0.67, ctSF=0.379, mthr=1, a=1, minfr=8, pfr1=35, pfrL=25, mir=1,
        rp=100, rt=3, tL=90):
    fthsamp = round(fthtime * samprate)
    fth = np.full(fthsamp, float(fthscale))
    n = np.arange(1, nu + 1)
    b = np.log(r + (1 - mthr)) / (nu - 1)
    thr = a * np.exp((n - 1) * b) - (1 - mthr)
    frp = pfr1 - (pfr1 - pfrL) * ((thr - thr[0]) / (r - thr[0]))
    maxex = thr[-1] + (pfrL - minfr) / mir
    maxact = round(maxex * res)
    acti = np.arange(1, maxact + 1) / res
    mufr = np.where(acti[None, :] >= thr[:, None],
                    np.minimum(mir * (acti[None, :] - thr[:, None]) + minfr, frp[:, None]), 0.0)
    P = np.exp(np.log(rp) / (nu - 1) * (n - 1))
    c = np.log(rp) / np.log(rt)
    ct = tL * (1 / P) ** (1 / c)
    sPr = 1 - np.exp(-2 * 0.4 ** 3)

    def pr_of(x):
        return np.where(x <= 0.4, x / 0.4 * sPr, 1 - np.exp(-2 * x ** 3))

    totalP = (pr_of(ct[:, None] * mufr / 1000) * P[:, None]).sum(axis=0)
    maxP = totalP[-1]
    mufatrate = np.exp(np.log(fat) / (nu - 1) * (n - 1))
    fatigue = mufatrate * (FatFac / fat) * P
    startact = np.zeros(101, dtype=int)  # 1-based force index 1..100
    for force in range(1, 101):
        below = np.flatnonzero(totalP / maxP * 100 < force)  # 0-based act indices
        startact[force] = (below[-1] + 1) - 1 if below.size else 0

    Pnow = P.copy()
    muON = np.zeros(nu, dtype=int)
    Rdur = np.zeros(nu)
    Tact = np.zeros(fthsamp, dtype=int)
    TPt_out = np.zeros(fthsamp)
    TPtMAX_out = np.zeros(fthsamp)
    for i in range(1, fthsamp + 1):
        force = min(round(fth[i - 1] * 100) + 1, 100)
        s = max(startact[force] - 5 * res, 1)
        acthop = round(maxact / hop)
        act = s
        for _ in range(maxact):
            Rdur = np.where(muON > 0, (i - muON + 1) / samprate, Rdur)
            Rdur = np.maximum(Rdur, 0)
            adaptFR = np.maximum((thr - 1) / (thr[-1] - 1) * adaptSF * (mufr[:, act - 1] - minfr + 2)
                                 * (1 - np.exp(-1 * Rdur / tau)), 0)
            mufrFAT = mufr[:, act - 1] - adaptFR
            mufrMAX = mufr[:, maxact - 1] - adaptFR
            ctFAT = ct * (1 + ctSF * (1 - Pnow / P))
            PrFAT = pr_of(ctFAT * (mufrFAT / 1000))
            TPt = (PrFAT * Pnow).sum() / maxP
            TPtMAX = (pr_of(ctFAT * (mufrMAX / 1000)) * Pnow).sum() / maxP
            if TPt < fth[i - 1] and act == maxact:
                break
            if TPt < fth[i - 1]:
                act = min(act + acthop, maxact)
            if TPt >= fth[i - 1] and acthop == 1:
                break
            if TPt >= fth[i - 1] and acthop > 1:
                act = max(act - (acthop - 1), 1)
                acthop = 1
        muON = np.where((muON == 0) & (act / res >= thr), i, muON)
        Tact[i - 1], TPt_out[i - 1], TPtMAX_out[i - 1] = act, TPt, TPtMAX
        Pchange = -1 * (fatigue / samprate) * PrFAT
        if i >= 2:
            Pnow = Pnow + Pchange
        Pnow = np.clip(Pnow, 0, P)
    endurtime = fthsamp / samprate
    for i in range(1, fthsamp + 1):
        endurtime = i / samprate
        if TPtMAX_out[i - 1] < fth[i - 1]:
            break
    return dict(time=np.arange(1, fthsamp + 1) / samprate, excitation=Tact / res,
                force=TPt_out, capacity=TPtMAX_out, endurance_time=endurtime)
