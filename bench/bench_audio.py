"""Accuracy and speed of music.features on the POP909 dev clips (140 mp3s with known tempo and key).

Run: .venv/bin/python bench/bench_audio.py [DATA_DIR ...] [--repeats N] [--stages]
[--write-model] [--speed-only] (no Django needed). DATA_DIRs default to
$MUSICREC_AUDIO_BENCH_DIRS (separated by ":"), else ../shared/data/pop909-dev and
../shared/data/pop909-dev-more next to the repo.

The clips fall into 5 folds by song number ((number - 1) mod 5). The key model is fitted on four
folds, with its L2 penalty chosen by cross-validation inside those four (nested), and scored on
the fifth; every clip's key is therefore predicted by a model that never saw it. The tempo
method has no fitted parameter, so its per-fold figures are plain accuracies.

Prints:
- per fold and pooled: tempo Acc1 (within 4 %) and Acc2 (within 4 % of the truth times 1, 1/2, 2,
  1/3 or 3); key exact and MIREX-weighted (1 exact, 0.5 fifth, 0.3 relative, 0.2 parallel);
  beside the 1.0 method (beat tracker alone; Temperley 2005 profile on tuned STFT chroma);
- the error kinds of each, and the key on the clips sped up by 40 cents (as TikTok "sped up"
  sounds are);
- the tuning estimate's error, ours and librosa's;
- on the demo catalogue's synthesised clips: tempo Acc2 and key, and the acousticness proxy
  against the catalogue's acousticness (the only tracks with both audio and a catalogue value);
- speed per 30 s clip, warm: `analyze_file` (decode + analysis) and PyAV decode alone, median
  over the clips, repeated --repeats times (median of the runs, each printed); peak memory
  traced while analysing one clip; the load average, since the machine is shared; and the
  0-1 descriptors' range on the dev clips.
--stages adds the stage study: for each error of the 1.0 method, which single change of stage
  (chroma, tuning, HPSS, profile, segment voting, tempo prior, metrical check) fixes it, and
  what each change breaks. It runs HPSS and CQTs: a few minutes.
--write-model fits the key model on all the clips (L2 chosen by 5-fold CV) and writes
  music/features/key_model.json.
--speed-only skips everything but the timing (to repeat it when the machine is quiet).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("NUMBA_CACHE_DIR", str(REPO / ".cache" / "numba"))

from music import features as F  # noqa: E402
from music.features import key as K  # noqa: E402
from music.features import tempo as T  # noqa: E402
from music.features.common import HOP, N_FFT, SR, load_librosa  # noqa: E402
from musicrec.core.audio import decode_audio  # noqa: E402

TARGETS = {"acc2": 0.98, "mirex": 0.86, "seconds_per_clip": 0.25}
FOLDS = 5
RESPLITS = 8  # random re-splits into FOLDS folds, to show how much the split matters
L2_GRID = (0.3, 1.0, 3.0)
DETUNE_CENTS = 40.0
TEMPO_MULTIPLES = {1.0: "exact", 0.5: "half", 2.0: "double", 1 / 3: "third", 3.0: "triple"}
OTHER_RATIOS = {2 / 3: "2/3", 1.5: "3/2", 0.75: "3/4", 4 / 3: "4/3"}
DEMO = REPO / "sample_data" / "demo"


@dataclass
class Clip:
    name: str
    path: Path
    bpm: float
    label: int  # key_label of the truth
    fold: int
    y: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.float32))
    power: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.float32))
    onset: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.float32))
    rotated: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))
    rotated_detuned: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))
    tempo: T.TempoEstimate | None = None
    # (ours, librosa's estimate_tuning) in semitones: as rendered, and sped up by DETUNE_CENTS
    tuning: tuple[float, float] = (0.0, 0.0)
    tuning_detuned: tuple[float, float] = (0.0, 0.0)


# --- Data --------------------------------------------------------------------------------------


def data_dirs(args: argparse.Namespace) -> list[Path]:
    if args.dirs:
        return [Path(d) for d in args.dirs]
    env = os.environ.get("MUSICREC_AUDIO_BENCH_DIRS")
    if env:
        return [Path(d) for d in env.split(":") if d]
    shared = REPO.parent / "shared" / "data"
    return [shared / "pop909-dev", shared / "pop909-dev-more"]


def load_clips(dirs: list[Path]) -> list[Clip]:
    clips = []
    for root in dirs:
        truth_path = root / "truth.json"
        if not truth_path.exists():
            raise SystemExit(f"no truth.json in {root}: pass the dev-set folders as arguments")
        for name, truth in sorted(json.loads(truth_path.read_text()).items()):
            number = re.search(r"(\d+)$", Path(name).stem)  # pop909_041.mp3 -> 41
            clips.append(
                Clip(
                    name=name,
                    path=root / name,
                    bpm=float(truth["bpm"]),
                    label=K.key_label(truth["key"], truth["mode"]),
                    fold=-1 if number is None else (int(number.group(1)) - 1) % FOLDS,
                )
            )
    for index, clip in enumerate(clips):  # names without a number: round robin
        if clip.fold < 0:
            clip.fold = index % FOLDS
    return clips


def prepare(clips: list[Clip]) -> None:
    """Decode each clip once and keep what every study below reads."""
    librosa = load_librosa()
    ratio = 2.0 ** (DETUNE_CENTS / 1200.0)
    for clip in clips:
        clip.y = decode_audio(clip.path, sr=SR, max_seconds=60.0)
        clip.power = np.abs(librosa.stft(clip.y, n_fft=N_FFT, hop_length=HOP)) ** 2
        clip.onset = librosa.onset.onset_strength(
            S=librosa.power_to_db(clip.power), sr=SR, hop_length=HOP
        )
        clip.tempo = T.estimate_tempo(clip.onset)
        clip.rotated, clip.tuning = _rotated(clip.y, clip.power)
        detuned = librosa.resample(clip.y, orig_sr=SR * ratio, target_sr=SR)
        detuned_power = np.abs(librosa.stft(detuned, n_fft=N_FFT, hop_length=HOP)) ** 2
        clip.rotated_detuned, clip.tuning_detuned = _rotated(detuned, detuned_power)


def _rotated(y: np.ndarray, power: np.ndarray) -> tuple[np.ndarray, tuple[float, float]]:
    """The key evidence seen from each tonic, and (our tuning, librosa's) for the clip."""
    spectrogram = K.pitch_spectrogram(y, power)
    evidence = K.key_evidence(spectrogram)
    if evidence is None:
        raise SystemExit("a dev clip has no pitched content")
    theirs = float(load_librosa().estimate_tuning(S=power, sr=SR, n_fft=N_FFT))
    return evidence.rotated(), (spectrogram.tuning, theirs)


# --- Scoring -----------------------------------------------------------------------------------


def tempo_kind(estimate: float | None, truth: float) -> str:
    if not estimate:
        return "none"
    for ratios in (TEMPO_MULTIPLES, OTHER_RATIOS):
        for ratio, kind in ratios.items():
            if abs(estimate / (truth * ratio) - 1.0) <= 0.04:
                return kind
    return "other"


def tempo_hits(estimate: float | None, truth: float) -> tuple[bool, bool]:
    """(Acc1, Acc2) for one clip: within 4 %, and within 4 % of an allowed metrical multiple."""
    kind = tempo_kind(estimate, truth)
    return kind == "exact", kind in TEMPO_MULTIPLES.values()


def key_of(estimate: K.KeyEstimate) -> int | None:
    if estimate.key is None or estimate.mode is None:
        return None
    return K.key_label(estimate.key, estimate.mode)


def key_kind(estimate: int | None, truth: int) -> str:
    return "none" if estimate is None else K.key_relation(estimate, truth)


def mirex(kinds: list[str]) -> float:
    return float(np.mean([K.MIREX_WEIGHTS.get(k, 0.0) for k in kinds]))


def predict(model: K.KeyModel, rotated: np.ndarray) -> int:
    return int(np.argmax(model.scores(rotated)))


def cv_mirex(clips: list[Clip], folds: list[int], l2: float) -> float:
    """MIREX of leave-one-fold-out predictions over `folds` (clips outside them are ignored)."""
    kinds = []
    for held_out in folds:
        train = [c for c in clips if c.fold in folds and c.fold != held_out]
        model = K.fit_key_model([c.rotated for c in train], [c.label for c in train], l2=l2)
        kinds += [
            K.key_relation(predict(model, c.rotated), c.label) for c in clips if c.fold == held_out
        ]
    return mirex(kinds)


def choose_l2(clips: list[Clip], folds: list[int]) -> tuple[float, dict[float, float]]:
    """The L2 penalty with the best cross-validated MIREX over `folds` (ties: the stronger)."""
    scores = {l2: cv_mirex(clips, folds, l2) for l2 in L2_GRID}
    best = max(L2_GRID, key=lambda l2: (round(scores[l2], 6), l2))
    return best, scores


@dataclass
class OutOfFold:
    predicted: dict[str, int]  # key label per clip, from the model that did not see its fold
    detuned: dict[str, int]  # the same on the clip sped up by DETUNE_CENTS
    confidence: dict[str, float]  # that model's probability of its answer
    chosen: list[tuple[int, float, dict[float, float]]]  # (fold, L2, inner-CV MIREX per L2)


def nested_key_predictions(clips: list[Clip]) -> OutOfFold:
    """Out-of-fold key labels (as rendered and detuned) and each outer fold's chosen L2."""
    predicted, detuned, confidence, chosen = {}, {}, {}, []
    for held_out in range(FOLDS):
        inner = [f for f in range(FOLDS) if f != held_out]
        l2, scores = choose_l2(clips, inner)
        chosen.append((held_out, l2, scores))
        train = [c for c in clips if c.fold != held_out]
        model = K.fit_key_model([c.rotated for c in train], [c.label for c in train], l2=l2)
        for clip in clips:
            if clip.fold == held_out:
                scores = model.scores(clip.rotated)
                predicted[clip.name] = int(np.argmax(scores))
                confidence[clip.name] = float(1.0 / np.exp(scores - scores.max()).sum())
                detuned[clip.name] = predict(model, clip.rotated_detuned)
    return OutOfFold(predicted, detuned, confidence, chosen)


def resplit_mirex(clips: list[Clip]) -> list[float]:
    """Pooled nested-CV MIREX for RESPLITS random splits into FOLDS folds (seeds 0, 1, ...)."""
    scores = []
    for seed in range(RESPLITS):
        order = np.random.default_rng(seed).permutation(len(clips))
        shuffled = [replace(clips[i], fold=rank % FOLDS) for rank, i in enumerate(order)]
        predicted = nested_key_predictions(shuffled).predicted
        scores.append(mirex([key_kind(predicted[c.name], c.label) for c in shuffled]))
    return scores


def profile_key(
    y: np.ndarray,
    power: np.ndarray | None = None,
    method: str = K.PROFILE_CHROMA,
    profile: str = K.PROFILE,
) -> int | None:
    """The 1.0 key method (or a variant of its chroma / profile)."""
    return key_of(K.estimate_key(K.chroma_vector(y, SR, method, power=power), profile))


# --- Reports -----------------------------------------------------------------------------------


def report_accuracy(clips: list[Clip]) -> dict[str, float]:
    out_of_fold = nested_key_predictions(clips)
    predicted, detuned, chosen = out_of_fold.predicted, out_of_fold.detuned, out_of_fold.chosen
    old_key = {c.name: profile_key(c.y, c.power) for c in clips}
    ratio = 2.0 ** (DETUNE_CENTS / 1200.0)
    librosa = load_librosa()
    old_detuned = {
        c.name: profile_key(librosa.resample(c.y, orig_sr=SR * ratio, target_sr=SR)) for c in clips
    }

    print("PER FOLD (key model fitted on the other four folds, L2 chosen inside them)")
    header = f"  {'fold':>4} {'clips':>5}  {'L2':>4}  {'Acc1':>5} {'Acc2':>5}"
    header += f"  {'key exact':>9} {'MIREX':>6}   | 1.0 method: {'Acc2':>5} {'MIREX':>6}"
    print(header)
    rows = [(f, [c for c in clips if c.fold == f]) for f in range(FOLDS)] + [(None, clips)]
    summary: dict[str, float] = {}
    for fold, members in rows:
        hits = [tempo_hits(c.tempo.bpm, c.bpm) for c in members]
        old_hits = [tempo_hits(c.tempo.tracker_bpm, c.bpm) for c in members]
        kinds = [key_kind(predicted[c.name], c.label) for c in members]
        old_kinds = [key_kind(old_key[c.name], c.label) for c in members]
        acc1, acc2 = np.mean([h[0] for h in hits]), np.mean([h[1] for h in hits])
        exact = np.mean([k == "exact" for k in kinds])
        l2 = "" if fold is None else f"{chosen[fold][1]:g}"
        label = "all" if fold is None else str(fold)
        print(
            f"  {label:>4} {len(members):>5}  {l2:>4}  {acc1:5.3f} {acc2:5.3f}  {exact:9.3f}"
            f" {mirex(kinds):6.3f}   |             {np.mean([h[1] for h in old_hits]):5.3f}"
            f" {mirex(old_kinds):6.3f}"
        )
        if fold is None:
            summary = {"acc1": acc1, "acc2": acc2, "exact": exact, "mirex": mirex(kinds)}
    for fold, _l2, scores in chosen:
        inner = ", ".join(f"L2 {k:g}: {v:.3f}" for k, v in scores.items())
        print(f"  fold {fold}: inner-CV MIREX {inner}")

    n = len(clips)
    print(f"\nTEMPO on all {n} clips (beat tracker + line fit + metrical check)")
    print(
        f"  Acc1 {summary['acc1']:.3f} ({round(summary['acc1'] * n)}/{n})"
        f"   Acc2 {summary['acc2']:.3f} ({round(summary['acc2'] * n)}/{n})"
        f"   target Acc2 >= {TARGETS['acc2']}: "
        + ("met" if summary["acc2"] >= TARGETS["acc2"] else "NOT MET")
    )
    for label, attr in (("with the metrical check", "bpm"), ("tracker alone (1.0)", "tracker_bpm")):
        counts = Counter(tempo_kind(getattr(c.tempo, attr), c.bpm) for c in clips)
        print(f"  {label:24s} " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    switched = [c for c in clips if c.tempo.bpm != c.tempo.tracker_bpm]
    for c in switched:
        print(
            f"    metrical check on {c.name}: {c.tempo.tracker_bpm:.1f} -> {c.tempo.bpm:.1f}"
            f" (truth {c.bpm:g}, {tempo_kind(c.tempo.bpm, c.bpm)})"
        )
    misses = [c for c in clips if not tempo_hits(c.tempo.bpm, c.bpm)[1]]
    for c in misses:
        print(
            f"    Acc2 miss {c.name}: {c.tempo.bpm:.1f} vs {c.bpm:g}"
            f" ({tempo_kind(c.tempo.bpm, c.bpm)})"
        )
    right = [
        abs(c.tempo.bpm / (c.bpm * m) - 1.0)
        for c in clips
        for m in TEMPO_MULTIPLES
        if abs(c.tempo.bpm / (c.bpm * m) - 1.0) <= 0.04
    ]
    print(f"  mean / max relative error where right: {np.mean(right):.2%} / {max(right):.2%}")

    print(f"\nKEY on all {n} clips, out-of-fold (key model)")
    print(
        f"  exact {summary['exact']:.3f}   MIREX {summary['mirex']:.3f}"
        f"   target MIREX >= {TARGETS['mirex']}: "
        + ("met" if summary["mirex"] >= TARGETS["mirex"] else "NOT MET")
    )
    for label, table in (("key model", predicted), ("1.0 method", old_key)):
        counts = Counter(key_kind(table[c.name], c.label) for c in clips)
        minor_to_major = sum(
            key_kind(table[c.name], c.label) == "relative" and c.label >= 12 for c in clips
        )
        print(
            f"  {label:10s} "
            + ", ".join(f"{k} {v}" for k, v in counts.most_common())
            + f"  (relative: {minor_to_major} minor heard as major)"
        )
    for label, table in (("key model", detuned), ("1.0 method", old_detuned)):
        kinds = [key_kind(table[c.name], c.label) for c in clips]
        print(
            f"  sped up {DETUNE_CENTS:.0f} cents, {label:10s}: exact"
            f" {np.mean([k == 'exact' for k in kinds]):.3f}   MIREX {mirex(kinds):.3f}"
        )
    for label, index in (("ours", 0), ("librosa.estimate_tuning", 1)):
        errors = [abs(c.tuning[index]) for c in clips]
        errors += [abs(c.tuning_detuned[index] - DETUNE_CENTS / 100.0) for c in clips]
        print(
            f"  tuning estimate ({label}), as rendered and sped up: |error| mean"
            f" {100 * np.mean(errors):.1f} cents, max {100 * max(errors):.1f} cents"
        )
    right = [out_of_fold.confidence[c.name] for c in clips if predicted[c.name] == c.label]
    wrong = [out_of_fold.confidence[c.name] for c in clips if predicted[c.name] != c.label]
    mean_confidence = np.mean(list(out_of_fold.confidence.values()))
    print(
        f"  key_confidence (out-of-fold probability): mean {mean_confidence:.2f}"
        f" against exact rate {summary['exact']:.2f}; median {statistics.median(right):.2f} when"
        f" exact, {statistics.median(wrong):.2f} when not"
    )
    resplits = resplit_mirex(clips)
    print(
        f"  {RESPLITS} random splits into {FOLDS} folds, nested CV each: MIREX mean"
        f" {np.mean(resplits):.3f}, range {min(resplits):.3f}-{max(resplits):.3f}"
    )
    shipped = K.shipped_key_model()
    in_sample = [K.key_relation(predict(shipped, c.rotated), c.label) for c in clips]
    print(
        f"  (shipped key_model.json on the clips it was fitted on: MIREX {mirex(in_sample):.3f}"
        " -- in-sample, not a measure of accuracy)"
    )
    return summary


def report_demo() -> None:
    """Tempo, key and acousticness on the demo catalogue's clips (synthesised, answers known).

    They are also the only tracks with both audio and a catalogue acousticness: each clip is a
    stand-in rendered from its row's tempo, key, mode, energy and genre, not the recording.
    """
    from scipy.stats import pearsonr, spearmanr

    librosa = load_librosa()
    truth = json.loads((DEMO / "truth.json").read_text())["catalogue"]
    rows = {r["track_id"]: r for r in csv.DictReader((DEMO / "catalogue.csv").open())}
    proxy, catalogue, energy, speech = [], [], [], []
    tempo_new, tempo_old, key_new, key_old = [], [], [], []
    for track_id, meant in truth.items():
        clip = meant["clip"]
        features = F.analyze_file(DEMO / clip["path"])
        proxy.append(features.acousticness)
        catalogue.append(float(rows[track_id]["acousticness"]))
        energy.append(float(rows[track_id]["energy"]))
        speech.append(bool(clip["speech"]))
        if clip["speech"]:
            continue
        y = decode_audio(DEMO / clip["path"], sr=SR, max_seconds=60.0)
        power = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP)) ** 2
        onset = librosa.onset.onset_strength(S=librosa.power_to_db(power), sr=SR, hop_length=HOP)
        tempo_new.append(tempo_hits(features.tempo_bpm, clip["bpm"])[1])
        tempo_old.append(tempo_hits(T.estimate_tempo(onset).tracker_bpm, clip["bpm"])[1])
        label = K.key_label(clip["key"], clip["mode"])
        key_new.append(key_of(K.KeyEstimate(features.key, features.mode, 0.0)) == label)
        key_old.append(profile_key(y, power) == label)
    print(f"\nDEMO CATALOGUE ({len(proxy)} synthesised 10 s clips, {len(key_new)} of them music)")
    print(
        f"  tempo Acc2 {np.mean(tempo_new):.3f} (tracker alone {np.mean(tempo_old):.3f})"
        f"   key exact {sum(key_new)}/{len(key_new)} (1.0 method {sum(key_old)}/{len(key_old)})"
    )
    proxy_a, catalogue_a, music = np.array(proxy), np.array(catalogue), ~np.array(speech)
    print("  acousticness proxy vs catalogue acousticness:")
    print(
        f"  Pearson {pearsonr(proxy_a, catalogue_a)[0]:.3f}"
        f"   Spearman {spearmanr(proxy_a, catalogue_a)[0]:.3f}"
        f"   music only ({music.sum()}):"
        f" Pearson {pearsonr(proxy_a[music], catalogue_a[music])[0]:.3f}"
    )
    print(
        "  for scale: 1 - catalogue energy vs catalogue acousticness, Pearson"
        f" {pearsonr(1.0 - np.array(energy), catalogue_a)[0]:.3f}"
        " (the clips are rendered from the row's energy and genre)"
    )


def report_speed(clips: list[Clip], repeats: int) -> float:
    load_before = os.getloadavg()
    runs, measured = [], []
    for run in range(repeats):
        totals, decodes, cpu = [], [], []
        for clip in clips:
            c0, t0 = time.process_time(), time.perf_counter()
            features = F.analyze_file(clip.path)
            c1, t1 = time.process_time(), time.perf_counter()
            if run == 0:
                measured.append(features)
            decode_audio(clip.path, sr=SR, max_seconds=60.0)
            t2 = time.perf_counter()
            scale = 30.0 / features.duration_s
            totals.append((t1 - t0) * scale)
            decodes.append((t2 - t1) * scale)
            cpu.append((c1 - c0) * scale)
        runs.append((statistics.median(totals), statistics.median(decodes), max(totals)))
        print(
            f"  run {run + 1}: decode + analysis {runs[-1][0]:.3f} s   decode only"
            f" {runs[-1][1]:.3f} s   slowest clip {runs[-1][2]:.3f} s"
            f"   (CPU time of decode + analysis {statistics.median(cpu):.3f} s)"
        )
    peaks = []
    for clip in clips[:: max(1, len(clips) // 20)]:
        tracemalloc.start()
        F.analyze_file(clip.path)
        peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
    total = statistics.median(r[0] for r in runs)
    decode = statistics.median(r[1] for r in runs)
    load_after = os.getloadavg()
    print("DESCRIPTORS on the dev clips (min / median / max)")
    for name in ("energy", "danceability", "valence", "arousal", "acousticness", "speechiness"):
        values = [getattr(f, name) for f in measured]
        print(
            f"  {name:13s} {min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}"
        )
    print("SPEED per 30 s clip, warm process (median over the clips; median of the runs)")
    print(
        f"  decode + analysis {total:.3f} s   PyAV decode only {decode:.3f} s"
        f"   analysis alone {total - decode:.3f} s   ratio total / decode {total / decode:.1f}x"
    )
    print(
        f"  target <= {TARGETS['seconds_per_clip']} s: "
        + ("met" if total <= TARGETS["seconds_per_clip"] else "NOT MET")
    )
    print(
        f"  peak traced memory while analysing one clip: median {statistics.median(peaks):.0f} MB,"
        f" max {max(peaks):.0f} MB (tracemalloc, {len(peaks)} clips)"
    )
    print(
        f"  load average (1 min) before / after: {load_before[0]:.2f} / {load_after[0]:.2f}"
        f" on {os.cpu_count()} CPUs"
    )
    return total


def report_stages(clips: list[Clip]) -> None:
    """Which single stage change fixes each error of the 1.0 method, and what it breaks."""
    librosa = load_librosa()
    print(
        "\nSTAGE STUDY (errors of the 1.0 method; a change 'fixes' an error when it makes it exact)"
    )
    base = {c.name: profile_key(c.y, c.power) for c in clips}
    variants: dict[str, dict[str, int | None]] = {}
    variants["chroma: STFT without tuning"] = {
        c.name: profile_key(c.y, c.power, "stft") for c in clips
    }
    for method in ("cqt-tuned", "cens"):
        variants[f"chroma: {method}"] = {c.name: profile_key(c.y, None, method) for c in clips}
    harmonic = {}
    for c in clips:
        h, _ = librosa.decompose.hpss(np.sqrt(c.power))
        harmonic[c.name] = profile_key(c.y, h**2)
    variants["HPSS: harmonic part only"] = harmonic
    for profile in K.KEY_PROFILES:
        if profile != K.PROFILE:
            variants[f"profile: {profile}"] = {
                c.name: profile_key(c.y, c.power, profile=profile) for c in clips
            }
    variants["segment voting (3 x 10 s)"] = {c.name: _segment_vote(c) for c in clips}
    variants["key model (out-of-fold)"] = nested_key_predictions(clips).predicted

    errors = [c for c in clips if key_kind(base[c.name], c.label) != "exact"]
    kinds = Counter(key_kind(base[c.name], c.label) for c in errors)
    print(f"  key: {len(errors)} errors: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    kind_names = [k for k, _ in kinds.most_common()]
    print(
        f"    {'change':34s}"
        + "".join(f"{k[:11]:>12s}" for k in kind_names)
        + f"{'breaks':>8s}{'MIREX':>7s}"
    )
    for label, table in variants.items():
        fixed = Counter(
            key_kind(base[c.name], c.label)
            for c in errors
            if key_kind(table[c.name], c.label) == "exact"
        )
        broken = sum(
            key_kind(base[c.name], c.label) == "exact"
            and key_kind(table[c.name], c.label) != "exact"
            for c in clips
        )
        score = mirex([key_kind(table[c.name], c.label) for c in clips])
        print(
            f"    {label:34s}"
            + "".join(f"{fixed[k]:>12d}" for k in kind_names)
            + f"{broken:>8d}{score:7.3f}"
        )

    tempo_variants = {}
    for start in (80.0, 100.0, 140.0):
        tempo_variants[f"tracker prior {start:.0f} BPM"] = {
            c.name: _tracker_bpm(c.onset, start) for c in clips
        }
    mel = {}
    for c in clips:
        envelope = librosa.onset.onset_strength(
            S=librosa.power_to_db(librosa.feature.melspectrogram(S=c.power, sr=SR)),
            sr=SR,
            hop_length=HOP,
        )
        mel[c.name] = _tracker_bpm(envelope, 120.0)
    tempo_variants["onset: log-mel flux"] = mel
    tempo_variants["metrical check (in use)"] = {c.name: c.tempo.bpm for c in clips}
    t_errors = [c for c in clips if not tempo_hits(c.tempo.tracker_bpm, c.bpm)[1]]
    t_kinds = Counter(tempo_kind(c.tempo.tracker_bpm, c.bpm) for c in t_errors)
    print(
        f"  tempo: {len(t_errors)} Acc2 errors: "
        + ", ".join(f"{k} {v}" for k, v in t_kinds.items())
    )
    print(f"    {'change':34s}{'fixes':>8s}{'breaks':>8s}{'Acc1':>7s}{'Acc2':>7s}")
    for label, table in tempo_variants.items():
        fixed = sum(tempo_hits(table[c.name], c.bpm)[1] for c in t_errors)
        broken = sum(
            tempo_hits(c.tempo.tracker_bpm, c.bpm)[1] and not tempo_hits(table[c.name], c.bpm)[1]
            for c in clips
        )
        hits = [tempo_hits(table[c.name], c.bpm) for c in clips]
        print(
            f"    {label:34s}{fixed:>8d}{broken:>8d}{np.mean([h[0] for h in hits]):7.3f}"
            f"{np.mean([h[1] for h in hits]):7.3f}"
        )


def _segment_vote(clip: Clip) -> int | None:
    """Majority of the 1.0 method's key on three thirds of the clip; the whole clip breaks ties."""
    third = clip.y.size // 3
    votes = Counter(profile_key(clip.y[i * third : (i + 1) * third]) for i in range(3))
    key, count = votes.most_common(1)[0]
    return key if count >= 2 else profile_key(clip.y, clip.power)


def _tracker_bpm(onset: np.ndarray, start_bpm: float) -> float | None:
    _, beats = load_librosa().beat.beat_track(
        onset_envelope=onset, sr=SR, hop_length=HOP, start_bpm=start_bpm
    )
    times = np.asarray(beats, dtype=np.float64) / (SR / HOP)
    return T._fitted_bpm(times)


def write_model(clips: list[Clip], summary: dict[str, float]) -> None:
    l2, scores = choose_l2(clips, list(range(FOLDS)))
    folders = sorted({c.path.parent.name for c in clips})
    model = K.fit_key_model([c.rotated for c in clips], [c.label for c in clips], l2=l2)
    text = model.to_json(
        written_by="bench/bench_audio.py --write-model",
        trained_on=f"{len(clips)} POP909 dev clips ({', '.join(folders)})",
        features_version=F.FEATURES_VERSION,
        l2_cv_mirex={f"{k:g}": round(v, 4) for k, v in scores.items()},
        nested_cv_mirex=round(summary["mirex"], 4),
    )
    K.KEY_MODEL_PATH.write_text(text)
    print(
        f"\nwrote {K.KEY_MODEL_PATH.relative_to(REPO)}"
        f" (L2 {l2:g}, fitted on all {len(clips)} clips)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", help="dev-set folders, each with a truth.json")
    parser.add_argument("--repeats", type=int, default=3, help="timing runs (default 3)")
    parser.add_argument("--stages", action="store_true", help="run the stage study too")
    parser.add_argument("--write-model", action="store_true", help="refit key_model.json")
    parser.add_argument("--speed-only", action="store_true", help="only time the analysis")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    clips = load_clips(data_dirs(args))
    started = time.perf_counter()
    F.warm_up()
    print(f"warm-up (numba compile or cache load): {time.perf_counter() - started:.1f} s")
    print(f"{len(clips)} clips from {', '.join(str(d) for d in data_dirs(args))}\n")
    if not args.speed_only:
        prepare(clips)
        summary = report_accuracy(clips)
        if args.write_model:
            write_model(clips, summary)
        if args.stages:
            report_stages(clips)
        report_demo()
        print()
    report_speed(clips, args.repeats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
