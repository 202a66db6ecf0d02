"""Accuracy and speed of music.features on the POP909 dev clips (40 mp3s with known tempo and key).

Run: .venv/bin/python bench/bench_audio.py [DATA_DIR]   (no Django needed)
DATA_DIR defaults to $MUSICREC_AUDIO_BENCH_DIR, else ../shared/data/pop909-dev next to the repo.

Prints:
- tempo Acc1 (within 4 %) and Acc2 (within 4 % of the truth times 1, 1/2, 2, 1/3 or 3), for the
  chosen onset function and for librosa's default one;
- key exact accuracy and the MIREX weighted score (1 exact, 0.5 fifth, 0.3 relative,
  0.2 parallel), and the comparison table of every chroma x key profile combination, on the
  clips as they are and sped up by 40 cents (as TikTok "sped up" sounds are);
- speed: median seconds of analysis per 30 s clip in a warm process, PyAV decode-only time for
  the same files (the floor), and their ratio. Timings on a shared machine are noisy: compare
  the ratios.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("NUMBA_CACHE_DIR", str(REPO / ".cache" / "numba"))

from music import features as F  # noqa: E402
from musicrec.core.audio import decode_audio  # noqa: E402
from musicrec.core.synth import pitch_class  # noqa: E402

TARGETS = {"acc2": 0.97, "mirex": 0.80, "seconds_per_30s": 0.4}
DETUNE_CENTS = 40.0


def data_dir() -> Path:
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    env = os.environ.get("MUSICREC_AUDIO_BENCH_DIR")
    return Path(env) if env else (REPO.parent / "shared" / "data" / "pop909-dev")


def tempo_hits(estimate: float | None, truth: float) -> tuple[bool, bool]:
    """(Acc1, Acc2) for one clip: within 4 %, and within 4 % of an allowed metrical multiple."""
    if not estimate:
        return False, False
    close = [abs(estimate / (truth * f) - 1.0) <= 0.04 for f in (1.0, 0.5, 2.0, 1 / 3, 3.0)]
    return close[0], any(close)


def mirex_score(key: str | None, mode: str | None, true_key: str, true_mode: str) -> float:
    """MIREX key score: 1 same key, 0.5 a fifth away in the same mode, 0.3 relative, 0.2
    parallel, else 0."""
    if key is None or mode is None:
        return 0.0
    est = F.PITCH_CLASSES.index(key)
    ref = pitch_class(true_key)
    if est == ref and mode == true_mode:
        return 1.0
    if mode == true_mode and (est - ref) % 12 in (5, 7):
        return 0.5
    if true_mode == "major" and mode == "minor" and (est - ref) % 12 == 9:
        return 0.3
    if true_mode == "minor" and mode == "major" and (est - ref) % 12 == 3:
        return 0.3
    if est == ref:
        return 0.2
    return 0.0


def main() -> int:
    root = data_dir()
    truth_path = root / "truth.json"
    if not truth_path.exists():
        print(f"no truth.json in {root}: pass the dev-set folder as the first argument")
        return 2
    truth: dict[str, dict] = json.loads(truth_path.read_text())
    names = sorted(truth)
    librosa = F._librosa()

    started = time.perf_counter()
    F.warm_up()
    print(f"warm-up (numba compile or cache load): {time.perf_counter() - started:.1f} s")
    print(f"{len(names)} clips from {root}\n")

    decode_times, analysis_times, durations = [], [], []
    samples: dict[str, np.ndarray] = {}
    results: dict[str, F.AudioFeatures] = {}
    for name in names:
        path = root / name
        t0 = time.perf_counter()
        y = decode_audio(path, sr=F.SR, max_seconds=60.0)
        t1 = time.perf_counter()
        results[name] = F.analyze_samples(y, F.SR)
        t2 = time.perf_counter()
        samples[name] = y
        durations.append(y.size / F.SR)
        decode_times.append((t1 - t0) * 30.0 / durations[-1])
        analysis_times.append((t2 - t1) * 30.0 / durations[-1])

    # --- tempo
    acc1 = acc2 = 0
    misses = []
    for name in names:
        hit1, hit2 = tempo_hits(results[name].tempo_bpm, truth[name]["bpm"])
        acc1 += hit1
        acc2 += hit2
        if not hit2:
            misses.append(f"{name}: {results[name].tempo_bpm:.1f} vs {truth[name]['bpm']}")
    n = len(names)
    print("TEMPO (beat_track + line fit of the beat times)")
    print(f"  Acc1 {acc1 / n:.3f} ({acc1}/{n})   Acc2 {acc2 / n:.3f} ({acc2}/{n})", end="")
    print(
        f"   target Acc2 >= {TARGETS['acc2']}: {'met' if acc2 / n >= TARGETS['acc2'] else 'MISSED'}"
    )
    if misses:
        print("  Acc2 misses: " + "; ".join(misses))
    errors = [
        abs(results[m].tempo_bpm / (truth[m]["bpm"] * f) - 1.0)
        for m in names
        for f in (1.0, 0.5, 2.0, 1 / 3, 3.0)
        if results[m].tempo_bpm and abs(results[m].tempo_bpm / (truth[m]["bpm"] * f) - 1.0) <= 0.04
    ]
    if errors:
        print(f"  mean / max relative error where right: {np.mean(errors):.2%} / {max(errors):.2%}")
    candidates_hit = sum(
        any(
            tempo_hits(c, truth[m]["bpm"])[0]
            for c in [results[m].tempo_bpm or 0.0, *results[m].tempo_candidates]
        )
        for m in names
    )
    print(f"  truth within 4 % of the tempo or one of its candidates: {candidates_hit}/{n}")

    print("\n  onset function comparison (same beat tracker and fit):")
    onset_functions = {
        "log-power STFT flux (chosen)": lambda p: librosa.onset.onset_strength(
            S=librosa.power_to_db(p), sr=F.SR, hop_length=F.HOP
        ),
        "log-mel flux (librosa default)": lambda p: librosa.onset.onset_strength(
            S=librosa.power_to_db(librosa.feature.melspectrogram(S=p, sr=F.SR)),
            sr=F.SR,
            hop_length=F.HOP,
        ),
    }
    powers = {
        m: np.abs(librosa.stft(samples[m], n_fft=F.N_FFT, hop_length=F.HOP)) ** 2 for m in names
    }
    for label, onset in onset_functions.items():
        hits = [tempo_hits(F.estimate_tempo(onset(powers[m])).bpm, truth[m]["bpm"]) for m in names]
        print(
            f"    {label:32s} Acc1 {sum(h[0] for h in hits) / n:.3f}"
            f"   Acc2 {sum(h[1] for h in hits) / n:.3f}"
        )

    # --- key
    scores = [
        mirex_score(results[m].key, results[m].mode, truth[m]["key"], truth[m]["mode"])
        for m in names
    ]
    exact = sum(s == 1.0 for s in scores)
    mirex = float(np.mean(scores))
    print(f"\nKEY ({F.KEY_CHROMA} chroma + {F.KEY_PROFILE} profile)")
    print(f"  exact {exact / n:.3f} ({exact}/{n})   MIREX {mirex:.3f}", end="")
    print(
        f"   target MIREX >= {TARGETS['mirex']}: {'met' if mirex >= TARGETS['mirex'] else 'MISSED'}"
    )
    kinds: dict[float, int] = {}
    for s in scores:
        kinds[s] = kinds.get(s, 0) + 1
    labels = {1.0: "exact", 0.5: "fifth", 0.3: "relative", 0.2: "parallel", 0.0: "other"}
    print("  " + ", ".join(f"{labels[k]} {v}" for k, v in sorted(kinds.items(), reverse=True)))
    right = [results[m].key_confidence for m, s in zip(names, scores, strict=True) if s == 1.0]
    wrong = [results[m].key_confidence for m, s in zip(names, scores, strict=True) if s < 1.0]
    if right and wrong:
        print(
            f"  median key_confidence when exact {statistics.median(right):.2f}, "
            f"when not {statistics.median(wrong):.2f}"
        )

    ratio = 2.0 ** (DETUNE_CENTS / 1200.0)
    detuned = {m: librosa.resample(samples[m], orig_sr=F.SR * ratio, target_sr=F.SR) for m in names}
    for label, clips, methods in (
        ("as rendered (A = 440 Hz)", samples, F.CHROMA_METHODS),
        (
            f"sped up by {DETUNE_CENTS:.0f} cents",
            detuned,
            ("stft", "stft-tuned", "cqt", "cqt-tuned"),
        ),
    ):
        print(f"\n  key methods, MIREX score / exact count, {label}:")
        print("    " + f"{'chroma':12s}" + "".join(f"{p:>19s}" for p in F.KEY_PROFILES))
        for method in methods:
            chromas = [F.chroma_vector(clips[m], F.SR, method) for m in names]
            cells = []
            for profile in F.KEY_PROFILES:
                keyed = [F.estimate_key(c, profile) for c in chromas]
                s = [
                    mirex_score(k.key, k.mode, truth[m]["key"], truth[m]["mode"])
                    for k, m in zip(keyed, names, strict=True)
                ]
                marker = "*" if (method, profile) == (F.KEY_CHROMA, F.KEY_PROFILE) else " "
                cells.append(f"{np.mean(s):.3f} / {sum(x == 1.0 for x in s):2d}{marker}")
            print("    " + f"{method:12s}" + "".join(f"{c:>19s}" for c in cells))

    # --- speed
    analysis = statistics.median(analysis_times)
    decode = statistics.median(decode_times)
    print("\nSPEED per 30 s of audio (median over the clips, warm process)")
    print(f"  analysis {analysis:.3f} s   PyAV decode only {decode:.3f} s", end="")
    print(f"   ratio analysis / decode {analysis / decode:.1f}x")
    total = analysis + decode
    print(f"  decode + analysis {total:.3f} s   target <= {TARGETS['seconds_per_30s']} s: ", end="")
    print("met" if total <= TARGETS["seconds_per_30s"] else "MISSED")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
