#!/usr/bin/env python3
"""The PySpark driver (spark/flowcsv_spark.py) against single flowcsv runs, in local[2].

    python Tests/Spark/test_flowcsv_spark.py --flowcsv BIN --work DIR

DIR holds the dataset `data/` (written by Tests/EndToEndTests/SparkDriverTests.swift with the
project's pcap writers); outputs go to DIR/out-*. One SparkSession serves every driver run.
Prints one line per check and exits 1 when one fails (0 when all pass). No pytest needed.
"""

import argparse
import contextlib
import decimal
import io
import json
import os
import shutil
import subprocess
import sys

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(PACKAGE_ROOT, "spark"))

failures = []


def check(condition, what, detail=""):
    print("%s: %s%s" % ("ok" if condition else "FAILED", what, "" if condition else "\n    " + str(detail)[:4000]))
    if not condition:
        failures.append(what)


def single(binary, args):
    """`flowcsv args` in the current folder: (status, stdout bytes, stderr lines)."""
    result = subprocess.run([binary] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return result.returncode, result.stdout, result.stderr.decode().splitlines()


def drive(args):
    """The driver in this process (its SparkSession reused): (status, stderr lines)."""
    import flowcsv_spark
    captured = io.StringIO()
    with contextlib.redirect_stderr(captured):
        try:
            status = flowcsv_spark.main(args)
        except SystemExit as exit:
            status = exit.code
    sys.stdout.write("".join("    driver: " + line + "\n" for line in captured.getvalue().splitlines()))
    return status, captured.getvalue().splitlines()


def read(path):
    with open(path, "rb") as f:
        return f.read()


def statuses(outdir):
    folder = os.path.join(outdir, "status")
    return [json.load(open(os.path.join(folder, name))) for name in sorted(os.listdir(folder)) if name.endswith(".json")]


def mtimes(outdir):
    found = {}
    for sub in ("parts", "status"):
        for name in sorted(os.listdir(os.path.join(outdir, sub))):
            found[sub + "/" + name] = os.stat(os.path.join(outdir, sub, name)).st_mtime_ns
    return found


def compare_with_single(binary, label, input_arg, outdir, options, extra=()):
    status, expected, single_err = single(binary, ["data"] + options)
    driver_args = [input_arg, outdir, "--flowcsv", binary] + list(extra) + options
    got_status, driver_err = drive(driver_args)
    flows = os.path.join(outdir, "flows.csv")
    merged = read(flows) if os.path.exists(flows) else b""
    check(merged == expected, "%s: merged flows.csv equals `flowcsv data %s` byte for byte (%d bytes)"
          % (label, " ".join(options), len(expected)), merged[:600])
    check(got_status == status == 1, "%s: exit status %r equals the single run's %r (1: a file failed)"
          % (label, got_status, status))
    missing = [line for line in single_err if line not in driver_err]
    check(not missing, "%s: every stderr line of the single run (errors, warnings, summary) is in the driver's"
          % label, missing)
    return driver_err, single_err


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--flowcsv", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    binary = os.path.abspath(args.flowcsv)
    os.chdir(args.work)
    os.environ["FLOWCSV_SPARK_KEEP_SESSION"] = "1"

    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").appName("flowcsv-spark-test")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").config("spark.sql.shuffle.partitions", "2")
             .config("spark.driver.memory", "512m").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")

    labels = ["--label-template", "{AppName}/*"]
    listing = subprocess.run([binary, "--list-inputs", "data"], stdout=subprocess.PIPE, check=True).stdout.decode()
    names = [line.split("\t")[1] for line in listing.splitlines()]

    # 1. basic, folder labels, the traps: flowcsv's order, `_` name, dot-file, non-capture,
    #    truncated and bad-header captures.
    out = os.path.abspath("out-basic")
    driver_err, single_err = compare_with_single(binary, "basic", "data", out, labels)
    records = statuses(out)
    check([r["source_name"] for r in records] == names,
          "status records are in flowcsv's --list-inputs order", [r["source_name"] for r in records])
    errors = {line.split(": ")[2]: line for line in single_err if line.startswith("flowcsv: error: ")}
    for record in records:
        if record["source_name"] in errors:
            check(record["state"] == "bad-input" and record["exit_status"] == 1
                  and errors[record["source_name"]] in record["stderr"],
                  "status of unreadable %s: bad-input, exit 1, the single run's error line" % record["source_name"], record)
        else:
            check(record["state"] == "ok" and record["exit_status"] == 0 and record["rows"] == record["flows"]
                  and record["packets"] is not None,
                  "status of %s: ok, exit 0, rows %s, packets %s" % (record["source_name"], record["rows"], record["packets"]), record)
    check(len(errors) >= 1, "the dataset has at least one file the single run cannot read", single_err)
    check("flowcsv-spark: %d inputs, %d computed, 0 reused, output %s" % (len(names), len(names), out + "/flows.csv")
          in driver_err, "first run computed every part", driver_err)

    # 2. A second run changes nothing: no part recomputed, same bytes.
    before, first_bytes = mtimes(out), read(out + "/flows.csv")
    status, driver_err = drive(["data", out, "--flowcsv", binary] + labels)
    check(status == 1 and "flowcsv-spark: %d inputs, 0 computed, %d reused, output %s" % (len(names), len(names), out + "/flows.csv")
          in driver_err, "rerun: nothing recomputed", driver_err)
    check(mtimes(out) == before, "rerun: parts and status records untouched (mtimes)")
    check(read(out + "/flows.csv") == first_bytes, "rerun: flows.csv has the same bytes")

    # 3. Deleting one part: the rerun recomputes exactly that one and restores the bytes.
    os.unlink(out + "/parts/part-000001.csv")
    status, driver_err = drive(["data", out, "--flowcsv", binary] + labels)
    check("flowcsv-spark: %d inputs, 1 computed, %d reused, output %s" % (len(names), len(names) - 1, out + "/flows.csv")
          in driver_err, "deleted part: exactly one recomputed", driver_err)
    check(read(out + "/flows.csv") == first_bytes and os.path.exists(out + "/parts/part-000001.csv"),
          "deleted part: restored, flows.csv has the same bytes")

    # 4. Another schema, in groups of two files per task, with Parquet, and a --labels table
    #    named relative to the working directory (tasks run in the dataset root).
    out = os.path.abspath("out-extended")
    with open("teams.csv", "w") as f:
        f.write("File,Team\n*.pcapng,green\n*.pcap,blue\n")
    options = ["--schema", "extended", "--labels", "teams.csv"] + labels
    compare_with_single(binary, "extended", "data", out, options, extra=["--files-per-task", "2", "--parquet"])
    frame = spark.read.parquet("file://" + out + "/parquet")
    import csv
    with open(out + "/flows.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    start = [f for f in frame.schema.fields if f.name == "StartTime"]
    check(start and start[0].dataType.simpleString() == "decimal(20,9)", "Parquet: StartTime is decimal(20,9)", frame.schema)
    got = sorted((r["SourceFile"], r["AppName"] or "", decimal.Decimal(r["StartTime"]), r["FlowBytes"])
                 for r in frame.select("SourceFile", "AppName", "StartTime", "FlowBytes").collect())
    want = sorted((r["SourceFile"], r["AppName"], decimal.Decimal(r["StartTime"]), int(r["FlowBytes"])) for r in rows)
    check(any(len(r["StartTime"].partition(".")[2]) == 9 for r in rows),
          "the dataset has a StartTime with nanoseconds (c/ns.pcap)", [r["StartTime"] for r in rows])
    check(got == want, "Parquet: the same rows as flows.csv (SourceFile, AppName, exact StartTime, FlowBytes)", (got[:3], want[:3]))
    check(sorted({r["Team"] for r in rows}) == ["blue", "green"], "the --labels table's column is there", rows[:1])
    partitions = sorted(n for n in os.listdir(out + "/parquet") if n.startswith("AppName="))
    check(partitions == sorted("AppName=" + a for a in {r["AppName"] for r in rows}),
          "Parquet: partitioned by AppName", partitions)

    # A changed --labels table is a change of options: every part is recomputed.
    with open("teams.csv", "w") as f:
        f.write("File,Team\n*.pcapng,green\n*.pcap,navy\n")
    compare_with_single(binary, "extended, table changed", "data", out, options, extra=["--files-per-task", "2"])
    status, driver_err = drive(["data", out, "--flowcsv", binary] + options)
    check("flowcsv-spark: %d inputs, 0 computed, %d reused, output %s" % (len(names), len(names), out + "/flows.csv")
          in driver_err and b"navy" in read(out + "/flows.csv"), "a changed --labels table: recomputed once, then reused", driver_err)

    # 5. A URI input: listed through Hadoop's FileSystem, each file staged to a local folder,
    #    run with --source-name: still the same bytes.
    out = os.path.abspath("out-uri")
    compare_with_single(binary, "file:// URI (staged)", "file://" + os.path.abspath("data"), out, labels,
                        extra=["--files-per-task", "3"])

    # 6. A task that fails (flowcsv killed while reading a/x.pcap): its status record and
    #    stderr line, the other files unaffected, exit 1.
    wrapper = os.path.abspath("flowcsv-crashing")
    with open(wrapper, "w") as f:
        f.write('#!/bin/sh\ncase "$*" in *--list-inputs*) ;; *a/x.pcap*) kill -9 $$ ;; esac\nexec %s "$@"\n' % binary)
    os.chmod(wrapper, 0o755)
    out = os.path.abspath("out-crash")
    status, driver_err = drive(["data", out, "--flowcsv", wrapper] + labels)
    records = {r["source_name"]: r for r in statuses(out)}
    check(status == 1 and records["a/x.pcap"]["state"] == "failed"
          and "flowcsv: error: a/x.pcap: flowcsv was killed by signal 9" in records["a/x.pcap"]["stderr"]
          and "flowcsv: error: a/x.pcap: flowcsv was killed by signal 9" in driver_err,
          "a killed task: state failed, its stderr line, exit 1", records.get("a/x.pcap"))
    basic = statuses(os.path.abspath("out-basic"))
    check(all(records[r["source_name"]]["state"] == r["state"] and records[r["source_name"]]["rows"] == r["rows"]
              for r in basic if r["source_name"] != "a/x.pcap"), "a killed task: the other files unaffected")
    check(not os.path.exists(out + "/parts/part-%06d.csv" % records["a/x.pcap"]["index"]), "a killed task leaves no part")

    # 7. A usage error is flowcsv's: exit 64 before any task.
    status, driver_err = drive(["data", os.path.abspath("out-usage"), "--flowcsv", binary, "--schema", "nosuch"])
    check(status == 64, "a bad flowcsv option: exit 64", driver_err)

    spark.stop()
    print("%d checks failed" % len(failures) if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
