#!/usr/bin/env python3
"""The tables of `make bench` (bench/run.sh and the scripts under bench/http/).

    report.py http   OUT SECONDS CONNECTIONS   # compare.sh: OUT/http.tsv -> table, OUT/http.json
    report.py e2e    OUT SECONDS CONNECTIONS   # e2e.sh:     OUT/e2e.tsv  -> table, OUT/e2e.json
    report.py flood  OUT SECONDS CONNECTIONS FLOOD_CONNECTIONS
                                               # flood.sh:   OUT/flood.tsv -> table, OUT/flood.json
    report.py writes OUT SECONDS               # writes.sh:  OUT/writes.tsv -> table, OUT/writes.json
    report.py summary OUT PART...              # run.sh: every figure of the issue, goals marked;
                                               # PART: verify=run|skipped|failed, http=..., ...

A tsv line is `NAME<TAB>key=value ...` (bench/http/lib.sh's run_wrk: wrk's figures through
authz.lua's KWRESULT line, and the CPU shares); NAME is `<target>.r<round>` for rounds. Figures over
rounds are medians, each figure on its own (the median p99 need not come from the median run).
"""
import json
import os
import re
import statistics
import sys


def read_tsv(path):
    rows = []
    for line in open(path):
        name, rest = line.rstrip("\n").split("\t")
        rows.append((name, {k: float(v) for k, v in (kv.split("=") for kv in rest.split())}))
    return rows


def by_target(rows):
    """{target: [row of round 1, round 2, ...]} in the order the targets first ran."""
    targets = {}
    for name, row in rows:
        target = re.sub(r"\.r\d+$", "", name)
        targets.setdefault(target, []).append(row)
    return targets


def errors(row):
    return int(row["connect_errors"] + row["read_errors"] + row["write_errors"] + row["status_errors"]
               + row["timeouts"])


def medians(runs):
    """The medians over rounds of what the summary needs, and each round's figures."""
    return {
        "rps": statistics.median(r["rps"] for r in runs),
        "p50_ms": statistics.median(r["p50_us"] for r in runs) / 1000,
        "p99_ms": statistics.median(r["p99_us"] for r in runs) / 1000,
        "errors": sum(errors(r) for r in runs),
        "server_cpu": statistics.median(r["server_cpu"] for r in runs),
        "wrk_cpu": statistics.median(r["wrk_cpu"] for r in runs),
        "other_cpu": statistics.median(r["other_cpu"] for r in runs),
        "rounds": [{"rps": r["rps"], "p50_ms": r["p50_us"] / 1000, "p99_ms": r["p99_us"] / 1000,
                    "errors": errors(r), "server_cpu": r["server_cpu"], "wrk_cpu": r["wrk_cpu"],
                    "other_cpu": r["other_cpu"]} for r in runs],
    }


def verdict(ok):
    return "MET" if ok else "NOT MET"


def print_table(labels, figures, ceiling=None, ceiling_name="vs nginx"):
    """Each round, then the medians; `ceiling` (a target) adds the ratio of medians to it."""
    head = f"{'':38} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8}"
    if ceiling:
        head += f" {ceiling_name:>9}"
    print(head + f" {'errors':>7} {'CPU% server/wrk/other':>22}")
    for target, label in labels.items():
        if target not in figures:
            continue
        f = figures[target]
        lines = [(f"{label} r{i + 1}", r) for i, r in enumerate(f["rounds"])] if len(f["rounds"]) > 1 else []
        lines.append((f"{label} {'median' if len(f['rounds']) > 1 else ''}".rstrip(), f))
        for text, r in lines:
            line = f"{text:38} {r['rps']:11,.0f} {r['p50_ms']:8.3f} {r['p99_ms']:8.3f}"
            if ceiling:
                line += f" {r['rps'] / figures[ceiling]['rps']:9.2f}"
            print(line + f" {r['errors']:7d} "
                  f"{int(r['server_cpu']):>12d}/{int(r['wrk_cpu'])}/{int(r['other_cpu'])}")


def report_http(out, seconds, connections):
    figures = {t: medians(runs) for t, runs in by_target(read_tsv(os.path.join(out, "http.tsv"))).items()}
    labels = {"nginx": "nginx-static (ceiling)", "beast": "bare Beast, a constant",
              "keyward": "keyward GET /v1/authz", "express": "express-verify GET /verify"}
    rounds = len(figures["nginx"]["rounds"])
    print()
    print(f"HTTP summary: wrk -t1 -c{connections} -d{seconds}s --latency, {rounds} rounds (targets "
          "interleaved); medians over the rounds; 2 cores shared by server and wrk")
    print("(CPU%: of one core during the measured run, for the server, wrk and all other processes)")
    print_table(labels, figures, ceiling="nginx")
    k = figures["keyward"]
    ratio = k["rps"] / figures["nginx"]["rps"]
    result = {"rounds": rounds, "targets": figures, "ratio": ratio,
              "ratio_goal_met": ratio >= 0.80, "p99_goal_met": k["p99_ms"] <= 1.0}
    print(f"goal keyward >= 0.80 x nginx (medians): {ratio:.2f} x -> {verdict(ratio >= 0.80)}")
    print(f"goal keyward p99 <= 1 ms (median): {k['p99_ms']:.3f} ms -> {verdict(k['p99_ms'] <= 1.0)}")
    if "express" in figures:
        result["keyward_vs_express"] = k["rps"] / figures["express"]["rps"]
        print(f"keyward / express: {result['keyward_vs_express']:.1f} x")
    json.dump(result, open(os.path.join(out, "http.json"), "w"), indent=1)


def report_e2e(out, seconds, connections):
    figures = {t: medians(runs) for t, runs in by_target(read_tsv(os.path.join(out, "e2e.tsv"))).items()}
    labels = {"e2e-proxy": "nginx -> upstream", "e2e-authz": "nginx auth_request -> upstream"}
    rounds = len(figures["e2e-proxy"]["rounds"])
    print()
    print(f"End to end: wrk -t1 -c{connections} -d{seconds}s --latency through nginx (1 worker) to an "
          f"upstream (nginx-static), {rounds} rounds; medians")
    print_table(labels, figures, ceiling="e2e-proxy", ceiling_name="vs proxy")
    ratio = figures["e2e-authz"]["rps"] / figures["e2e-proxy"]["rps"]
    print(f"with auth_request / without: {ratio:.2f} x requests/s; p99 "
          f"{figures['e2e-authz']['p99_ms']:.3f} ms against {figures['e2e-proxy']['p99_ms']:.3f} ms")
    json.dump({"rounds": rounds, "targets": figures, "ratio": ratio},
              open(os.path.join(out, "e2e.json"), "w"), indent=1)


def report_flood(out, seconds, connections, flood_connections):
    figures = {t: medians(runs) for t, runs in by_target(read_tsv(os.path.join(out, "flood.tsv"))).items()}
    gen = [row for _, row in read_tsv(os.path.join(out, "flood-gen.tsv"))]
    labels = {"flood-alone": "valid traffic alone", "flood-valid": "valid traffic during the flood"}
    rounds = len(figures["flood-alone"]["rounds"])
    print()
    print(f"Counted-failure flood: keyward --threads 1, valid traffic wrk -t1 -c{connections} "
          f"-d{seconds}s; flood wrk -t1 -c{flood_connections}; {rounds} rounds; medians")
    print_table(labels, figures, ceiling="flood-alone", ceiling_name="vs alone")
    # The flood's rate: failures the store counted during the valid traffic's measured run. Every
    # flood answer must be a refusal: wrk counts non-2xx answers as status errors.
    rates = [g["counted"] / (g["window_us"] / 1e6) for g in gen]
    refused = all(g["status_errors"] == g["requests"] for g in gen)
    for i, (g, rate) in enumerate(zip(gen, rates)):
        print(f"the flood r{i + 1}: {rate:,.0f} counted failures/s in the measured window "
              f"({g['counted']:,.0f}); its wrk over its whole run: {g['rps']:,.0f} requests/s, "
              f"{g['status_errors']:,.0f} of {g['requests']:,.0f} refused, p99 {g['p99_us'] / 1000:.3f} ms")
    a, w = figures["flood-alone"], figures["flood-valid"]
    flood_rate = statistics.median(rates)
    print(f"valid traffic with the flood / alone: {w['rps'] / a['rps']:.2f} x requests/s; p99 "
          f"{w['p99_ms']:.3f} ms against {a['p99_ms']:.3f} ms; the flood: {flood_rate:,.0f} counted "
          f"failures/s{'' if refused else ' (WARNING: some flood requests were not refused)'}")
    json.dump({"rounds": rounds, "targets": figures, "ratio": w["rps"] / a["rps"],
               "flood_counted_per_second": flood_rate, "flood_all_refused": refused,
               "flood_rounds": [{"counted_per_second": r, "wrk_rps": g["rps"]}
                                for g, r in zip(gen, rates)]},
              open(os.path.join(out, "flood.json"), "w"), indent=1)


def report_writes(out, seconds):
    rows = read_tsv(os.path.join(out, "writes.tsv"))
    # The ceiling: the better of keyward_write_ceiling's runs (unpinned and pinned to one CPU).
    ceilings = []
    path = os.path.join(out, "writes-ceiling.txt")
    for line in open(path):
        if line.startswith("KWCEILING "):
            ceilings.append({k: v for k, v in (kv.split("=") for kv in line.split()[1:])})
    if not ceilings:
        raise SystemExit(f"report.py: no KWCEILING line in {path}")
    ceiling = max(ceilings, key=lambda c: float(c["keys_per_second"]))
    ceiling_rate = float(ceiling["keys_per_second"])
    created = {}
    for line in open(os.path.join(out, "writes-created.tsv")):
        name, count = line.split()
        created[name] = int(count)
    print()
    print(f"Management writes: POST /v1/apikeys, wrk -t1 -c<clients> -d{seconds}s, SQLite "
          f"(synchronous=FULL); ceiling: keyward_write_ceiling, {int(ceiling['count']):,} keys "
          f"one unit of work each (synchronous={ceiling['synchronous']}, "
          f"journal_mode={ceiling['journal_mode']})")
    print(f"{'':28} {'keys/s':>9} {'vs ceiling':>11} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} "
          f"{'keys made':>10} {'CPU% server/wrk/other':>22}")
    result = {"ceiling_keys_per_second": ceiling_rate, "ceiling_count": int(ceiling["count"]),
              "runs": {}}
    for name, r in rows:
        workers, clients = re.match(r"w(default|\d+)\.c(\d+)", name).groups()
        label = f"workers {workers}, {clients} client{'s' if clients != '1' else ''}"
        result["runs"][name] = {"workers": workers, "clients": int(clients), "rps": r["rps"],
                                "ratio": r["rps"] / ceiling_rate, "p50_ms": r["p50_us"] / 1000,
                                "p99_ms": r["p99_us"] / 1000, "errors": errors(r),
                                "created": created.get(name, -1)}
        print(f"{label:28} {r['rps']:9,.0f} {r['rps'] / ceiling_rate:11.2f} {r['p50_us'] / 1000:8.3f} "
              f"{r['p99_us'] / 1000:8.3f} {errors(r):7d} {created.get(name, -1):10,d} "
              f"{int(r['server_cpu']):>12d}/{int(r['wrk_cpu'])}/{int(r['other_cpu'])}")
    for c in ceilings:
        label = "store ceiling, " + ("unpinned" if c["placement"] == "any" else f"on {c['placement']}")
        print(f"{label:28} {float(c['keys_per_second']):9,.0f} "
              f"{float(c['keys_per_second']) / ceiling_rate:11.2f}")
    result["ceiling_placement"] = ceiling["placement"]
    result["ceilings"] = {c["placement"]: float(c["keys_per_second"]) for c in ceilings}
    json.dump(result, open(os.path.join(out, "writes.json"), "w"), indent=1)


def report_postgres(out, seconds, write_seconds):
    rows = dict(read_tsv(os.path.join(out, "postgres.tsv")))
    print()
    print(f"One node on PostgreSQL beside one on SQLite: GET /v1/authz {seconds} s, "
          f"POST /v1/apikeys {write_seconds} s per run")
    print(f"{'':24} {'SQLite':>12} {'PostgreSQL':>12} {'PG/SQLite':>10} {'PG p99 ms':>10} "
          f"{'errors':>7}")
    result = {"runs": {}}
    names = sorted({n.split(".", 1)[1] for n in rows}, key=lambda n: (n != "authz", n))
    for what in names:
        lite, pg = rows.get("sqlite." + what), rows.get("postgresql." + what)
        if lite is None or pg is None:
            raise SystemExit(f"report.py: postgres.tsv lacks a run of {what}")
        label = ("authz, requests/s" if what == "authz"
                 else f"keys/s, {what.split('.c')[1]} client(s)")
        ratio = pg["rps"] / lite["rps"] if lite["rps"] else 0.0
        result["runs"][what] = {"sqlite": lite["rps"], "postgresql": pg["rps"], "ratio": ratio,
                                "sqlite_p99_ms": lite["p99_us"] / 1000,
                                "postgresql_p99_ms": pg["p99_us"] / 1000,
                                "errors": errors(lite) + errors(pg)}
        print(f"{label:24} {lite['rps']:12,.0f} {pg['rps']:12,.0f} {ratio:10.2f} "
              f"{pg['p99_us'] / 1000:10.3f} {errors(lite) + errors(pg):7d}")
    json.dump(result, open(os.path.join(out, "postgres.json"), "w"), indent=1)


# --- the summary ---------------------------------------------------------------------------------

def load_verify(out):
    data = json.load(open(os.path.join(out, "verify.json")))
    # One entry per run name: the median of its repetitions (or its only run).
    runs = {}
    for b in data["benchmarks"]:
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        if b.get("run_type") == "aggregate" or b["run_name"] not in runs:
            runs[b["run_name"]] = b
    # The same, by the benchmark's base name (before any "/arguments").
    base = {}
    for run_name, b in runs.items():
        base.setdefault(run_name.split("/")[0], b)
    return data, runs, base


def summary_verify(out):
    data, runs, base = load_verify(out)
    keys = int(data["context"].get("keyward_keys", "0"))

    def rate(name):
        return base[name]["items_per_second"] if name in base else float("nan")

    print(f"In-process, one core, {keys:,} keys loaded (median of repetitions; items/s from CPU time):")
    other_path = os.path.join(out, "verify.other_cpu")
    if os.path.exists(other_path):
        other = int(open(other_path).read())
        print(f"  (other processes used {other}% of one core on average meanwhile"
              f"{'' if other < 15 else ': figures skewed'})")
    for name, label in [("BM_VerifyValid", "verify, valid key (as served)"),
                        ("BM_VerifyValidSpread", "verify, valid key, 262144 keys"),
                        ("BM_VerifyValidUnthrottled", "verify, valid key, no throttle"),
                        ("BM_VerifyUnknownId", "verify, unknown id"),
                        ("BM_VerifyWrongSecretLockedKey", "verify, wrong secret, locked key"),
                        ("BM_VerifyWrongSecretCounted", "verify, wrong secret, counted"),
                        ("BM_ParseToken", "parse the token"),
                        ("BM_IndexFind", "index lookup + copy"),
                        ("BM_SecretHasherMatches", "HMAC-SHA256 of the secret"),
                        ("BM_Sha256Reference64B", "SHA-256 of 64 bytes (reference)")]:
        if name in base:
            print(f"  {label:34} {rate(name):14,.0f} /s   {1e9 / rate(name):9.0f} ns each")
    for name, goal, label in [("BM_VerifyValid", 0.33, "hot set of 4,096 keys"),
                              ("BM_VerifyValidSpread", 0.2, "262,144 keys in turn")]:
        text = f"  goal {name} / BM_Sha256Reference64B >= {goal} ({label}):"
        if name in base and "BM_Sha256Reference64B" in base:
            ratio = rate(name) / rate("BM_Sha256Reference64B")
            print(f"{text} {ratio:.2f} x ({rate(name):,.0f}/s) -> {verdict(ratio >= goal)}")
        else:
            print(f"{text} not measured (not in this run)")
    text = "  the chain's own cost beyond its HMAC (BM_VerifyValid - BM_SecretHasherMatches):"
    if "BM_VerifyValid" in base and "BM_SecretHasherMatches" in base:
        print(f"{text} {1e9 / rate('BM_VerifyValid') - 1e9 / rate('BM_SecretHasherMatches'):.0f} ns")
    else:
        print(f"{text} not measured (not in this run)")
    threads = {}
    for run_name, b in runs.items():
        m = re.match(r"BM_VerifyValidThreads/.*threads:(\d+)$", run_name)
        if m:
            threads[int(m.group(1))] = b["items_per_second"]
    if 1 in threads and 2 in threads:
        scale = threads[2] / threads[1]
        print(f"  goal two threads >= 1.8 x one (BM_VerifyValidThreads, real time): {scale:.2f} x "
              f"({threads[2]:,.0f}/s against {threads[1]:,.0f}/s) -> {verdict(scale >= 1.8)}")
    else:
        print("  goal two threads >= 1.8 x one (BM_VerifyValidThreads): not measured "
              "(no BM_VerifyValidThreads threads:1 and threads:2 in this build)")
    load = base.get("BM_IndexLoad")
    if load:
        seconds = load["real_time"] / {"ms": 1e3, "us": 1e6, "ns": 1e9, "s": 1}[load["time_unit"]]
        scope = "" if keys == 1_000_000 else " (the goals are for 1,000,000 keys)"
        print(f"  index memory: {load['index_bytes_per_key']:.0f} bytes/key by Stats(), "
              f"{load['heap_bytes_per_key']:.0f} bytes/key heap growth across Load (mallinfo2)")
        print(f"  goal index memory <= 256 bytes/key (heap growth): "
              f"{verdict(load['heap_bytes_per_key'] <= 256)}{scope}")
        print(f"  goal start-up load (KeyIndex::Load from SQLite, warm cache) <= 3 s: {seconds:.2f} s "
              f"-> {verdict(seconds <= 3)}{scope}")
    else:
        print("  index memory and load time: not measured (no BM_IndexLoad in this run)")


def summary_http(out):
    r = json.load(open(os.path.join(out, "http.json")))
    t = r["targets"]
    print(f"/v1/authz against nginx (keyward --threads 1, wrk -t1, medians of {r['rounds']} rounds):")
    for name, label in [("nginx", "nginx-static (ceiling)"), ("beast", "bare Beast, a constant"),
                        ("keyward", "keyward GET /v1/authz"), ("express", "express-verify GET /verify")]:
        if name in t:
            rounds = ", ".join(f"{x['rps']:,.0f}" for x in t[name]["rounds"])
            print(f"  {label:28} {t[name]['rps']:9,.0f} requests/s  p99 {t[name]['p99_ms']:.3f} ms"
                  f"  {t[name]['rps'] / t['nginx']['rps']:.2f} x nginx  (rounds: {rounds})")
    print(f"  goal keyward >= 0.80 x nginx: {r['ratio']:.2f} x -> {verdict(r['ratio_goal_met'])}")
    print(f"  goal keyward p99 <= 1 ms: {t['keyward']['p99_ms']:.3f} ms -> {verdict(r['p99_goal_met'])}")


def summary_e2e(out):
    r = json.load(open(os.path.join(out, "e2e.json")))
    t = r["targets"]
    print(f"End to end through nginx (medians of {r['rounds']} rounds; no goal):")
    print(f"  nginx -> upstream                {t['e2e-proxy']['rps']:9,.0f} requests/s  p99 "
          f"{t['e2e-proxy']['p99_ms']:.3f} ms")
    print(f"  nginx auth_request -> upstream   {t['e2e-authz']['rps']:9,.0f} requests/s  p99 "
          f"{t['e2e-authz']['p99_ms']:.3f} ms")
    print(f"  with auth_request / without: {r['ratio']:.2f} x")


def summary_flood(out):
    r = json.load(open(os.path.join(out, "flood.json")))
    t = r["targets"]
    print(f"Counted-failure flood on one I/O thread (medians of {r['rounds']} rounds; no goal):")
    print(f"  valid traffic alone              {t['flood-alone']['rps']:9,.0f} requests/s  p99 "
          f"{t['flood-alone']['p99_ms']:.3f} ms")
    print(f"  valid traffic during the flood   {t['flood-valid']['rps']:9,.0f} requests/s  p99 "
          f"{t['flood-valid']['p99_ms']:.3f} ms  ({r['ratio']:.2f} x alone)")
    print(f"  the flood                        {r['flood_counted_per_second']:9,.0f} counted failures/s"
          f"{'' if r['flood_all_refused'] else '  (WARNING: not every flood request was refused)'}")


def summary_writes(out):
    r = json.load(open(os.path.join(out, "writes.json")))
    print("Management writes, POST /v1/apikeys on SQLite (synchronous=FULL; no goal):")
    for run in r["runs"].values():
        print(f"  workers {run['workers']:>7}, {run['clients']:2d} clients  {run['rps']:9,.0f} keys/s "
              f"({run['ratio']:.2f} x the ceiling)  p99 {run['p99_ms']:.3f} ms")
    others = ", ".join(f"{rate:,.0f} {'unpinned' if p == 'any' else 'on ' + p}"
                       for p, rate in r["ceilings"].items())
    print(f"  store ceiling: {r['ceiling_keys_per_second']:,.0f} keys/s (keyward_write_ceiling, "
          f"{r['ceiling_count']:,} keys, one unit of work each, one writer; the better of: {others})")


def summary_postgres(out):
    r = json.load(open(os.path.join(out, "postgres.json")))
    print("One node on PostgreSQL beside one on SQLite (no goal; the hot path never reads the store):")
    for what, run in r["runs"].items():
        unit = "requests/s" if what == "authz" else "keys/s"
        label = "verification (authz)" if what == "authz" else f"key creation, {what.split('.c')[1]} client(s)"
        print(f"  {label:30} SQLite {run['sqlite']:9,.0f}  PostgreSQL {run['postgresql']:9,.0f} "
              f"{unit} ({run['ratio']:.2f} x){'' if run['errors'] == 0 else '  errors: ' + str(run['errors'])}")


def report_summary(out, parts):
    sections = [("verify", summary_verify), ("http", summary_http), ("e2e", summary_e2e),
                ("flood", summary_flood), ("writes", summary_writes),
                ("postgres", summary_postgres)]
    failed = False
    for name, fn in sections:
        state = parts.get(name, "skipped")
        if state == "skipped":
            continue
        print()
        if state != "run":
            print(f"{name}: FAILED (see its output above); no figures")
            failed = True
            continue
        try:
            fn(out)
        except (OSError, KeyError, ValueError, ZeroDivisionError) as e:
            print(f"{name}: could not read its results ({type(e).__name__}: {e})")
            failed = True
    return 1 if failed else 0


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    what, out = argv[1], argv[2]
    if what == "http":
        report_http(out, argv[3], argv[4])
    elif what == "e2e":
        report_e2e(out, argv[3], argv[4])
    elif what == "flood":
        report_flood(out, argv[3], argv[4], argv[5])
    elif what == "writes":
        report_writes(out, argv[3])
    elif what == "postgres":
        report_postgres(out, argv[3], argv[4])
    elif what == "summary":
        return report_summary(out, dict(p.split("=", 1) for p in argv[3:]))
    else:
        raise SystemExit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
