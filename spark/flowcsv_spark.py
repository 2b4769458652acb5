#!/usr/bin/env python3
"""flowcsv on a Spark cluster: the rows of `flowcsv INPUT [options]`, one task per capture file.

    spark-submit --files flowcsv spark/flowcsv_spark.py INPUT OUTDIR [driver options] [flowcsv options...]

INPUT is a capture file or folder (a local path, or a URI Hadoop's FileSystem reads: hdfs://,
s3a://, file://, ...). OUTDIR is a POSIX folder that the driver and every executor can write
(local mode: any folder; a cluster: a shared mount). Every argument that is not a driver
option is passed to flowcsv unchanged.

Driver options:
  --flowcsv PATH        the flowcsv binary (default: the one shipped with --files, else ./flowcsv)
  --parquet             also write OUTDIR/parquet/ through Spark (explicit schema, partitioned
                        by AppName, StartTime as decimal(20,9))
  --files-per-task N    captures per Spark task (default 1)
  --stage-command CMD   how an executor copies a non-local URI to a local file for libpcap:
                        CMD with {uri} and {local} replaced (default 'hadoop fs -get -f {uri} {local}';
                        file:// URIs are copied directly)
  --retry-bad-inputs    also recompute files whose capture could not be read in an earlier run

Layout: OUTDIR/parts/part-NNNNNN.csv (the CSV of input number NNNNNN, header included),
OUTDIR/status/part-NNNNNN.json (file, exit status, stderr lines, rows, packets, ...),
OUTDIR/flows.csv (the parts merged in order, one header: byte for byte `flowcsv INPUT`),
OUTDIR/parquet/ with --parquet. A rerun with the same input, options and binary reuses every
part whose status is complete and whose part file is there; the others are recomputed.
The files named by --labels and --label-rules are made absolute (tasks run in the dataset
root); on a cluster they must be readable at that path on every executor.
FLOWCSV_SPARK_KEEP_SESSION=1 leaves the SparkSession running after main() (the tests reuse it).
See docs/scale-out.md.
"""

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

DRIVER_FLAGS = {"--parquet", "--retry-bad-inputs"}
DRIVER_OPTIONS = {"--flowcsv", "--files-per-task", "--stage-command"}
FORBIDDEN = {"-o", "--output", "--list-inputs", "--list-columns", "--source-name", "--help", "-h",
             "--version"}
SUMMARY = re.compile(r"^flowcsv: (\d+) files, (\d+) packets, (\d+) flows, (\d+) failed"
                     r"(?:, (\d+) packets in no flow \(not IP or undecodable\))?"
                     r"(?:, (\d+) non-capture files skipped)?$")
SKIPPED = re.compile(r"(\d+) non-capture files skipped")
DEFAULT_STAGE = "hadoop fs -get -f {uri} {local}"
USAGE_EXIT = 64


def usage(message):
    sys.stderr.write("flowcsv-spark: error: %s\nusage: spark-submit --files flowcsv "
                     "spark/flowcsv_spark.py INPUT OUTDIR [driver options] [flowcsv options...]\n"
                     % message)
    sys.exit(USAGE_EXIT)


def parse_arguments(argv):
    config = {"flowcsv": None, "parquet": False, "files_per_task": 1, "stage_command": DEFAULT_STAGE,
              "retry_bad_inputs": False}
    positional, passed = [], []
    i = 0
    while i < len(argv):
        arg = argv[i]
        name = arg.split("=", 1)[0]
        if arg in DRIVER_FLAGS:
            config[arg[2:].replace("-", "_")] = True
        elif name in DRIVER_OPTIONS:
            if "=" in arg:
                value = arg.split("=", 1)[1]
            elif i + 1 < len(argv):
                i += 1
                value = argv[i]
            else:
                usage("%s needs a value" % name)
            config[name[2:].replace("-", "_")] = value
        elif name in FORBIDDEN:
            usage("%s is the driver's business (it sets the output and the source names)" % name)
        elif len(positional) < 2:
            if arg.startswith("-"):
                usage("INPUT and OUTDIR come first (got %s)" % arg)
            positional.append(arg)
        else:
            passed.append(arg)
        i += 1
    if len(positional) < 2:
        usage("INPUT and OUTDIR are required")
    try:
        config["files_per_task"] = int(config["files_per_task"])
        assert config["files_per_task"] >= 1
    except (ValueError, AssertionError):
        usage("--files-per-task must be a positive number")
    config["input"], config["outdir"] = positional
    config["options"] = absolute_file_options(passed)
    config["quiet"] = any(a in ("-q", "--quiet") for a in passed)
    return config


FILE_OPTIONS = ("--labels", "--label-rules")


def absolute_file_options(options):
    """Tasks run in the dataset root, so the files that options name are made absolute here
    (as the single run would resolve them, from the driver's working directory)."""
    out, i = [], 0
    while i < len(options):
        arg = options[i]
        name, eq, value = arg.partition("=")
        if name in FILE_OPTIONS and eq:
            out.append(name + "=" + os.path.abspath(value))
        elif arg in FILE_OPTIONS and i + 1 < len(options):
            out += [arg, os.path.abspath(options[i + 1])]
            i += 1
        else:
            out.append(arg)
        i += 1
    return out


def is_uri(text):
    scheme = urllib.parse.urlparse(text).scheme
    return len(scheme) > 1  # not a bare path (and not a Windows drive letter)


def unescape(field):
    """Undoes --list-inputs' escaping of backslash, tab and newline."""
    out, i = [], 0
    while i < len(field):
        c = field[i]
        if c == "\\" and i + 1 < len(field):
            out.append({"\\": "\\", "t": "\t", "n": "\n"}.get(field[i + 1], "\\" + field[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def parse_listing(text):
    entries = []
    for line in text.split("\n"):
        if line:
            path, name = line.split("\t", 1)
            entries.append((unescape(path), unescape(name)))
    return entries


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def make_executable(path):
    """A binary shipped with --files may lose its execute bit: fix it, or use a copy."""
    if os.access(path, os.X_OK):
        return path
    try:
        os.chmod(path, 0o755)
        return path
    except OSError:
        copy = os.path.join(tempfile.mkdtemp(prefix="flowcsv-bin-"), "flowcsv")
        shutil.copyfile(path, copy)
        os.chmod(copy, 0o755)
        return copy


def task_environment(forwarded):
    """An explicit environment for flowcsv: the executor's own, plus the driver's FLOWCSV_*
    variables (executors on a cluster don't inherit the driver's environment)."""
    env = dict(os.environ)
    env.update(forwarded)
    return env


# MARK: Listing the inputs (driver)

def list_local(binary, config):
    """`flowcsv [options] --list-inputs INPUT`: flowcsv's own order, names and skips."""
    result = subprocess.run([binary] + config["options"] + ["--list-inputs", config["input"]],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=task_environment(config["env"]))
    stderr = result.stderr.decode("utf-8", "replace")
    if result.returncode != 0:
        sys.stderr.write(stderr)
        sys.exit(result.returncode)
    match = SKIPPED.search(stderr)
    skipped = int(match.group(1)) if match else 0
    cwd = os.getcwd()
    entries = []
    for path, name in parse_listing(result.stdout.decode("utf-8", "surrogateescape")):
        info = os.stat(path) if os.path.exists(path) else None
        entries.append({"path": os.path.join(cwd, path), "name": name, "remote": False,
                        "size": info.st_size if info else -1,
                        "mtime": info.st_mtime_ns if info else -1})
    root = config["input"]
    dataset_root = os.path.abspath(root) if os.path.isdir(root) else cwd
    return entries, skipped, dataset_root


def list_remote(spark, config):
    """A URI: flowcsv cannot list it, so the driver walks it through Hadoop's FileSystem (py4j,
    driver only) in flowcsv's order: each folder's names in byte order, depth first. Hidden
    names and non-captures are still decided by flowcsv, in each task (see stage_and_check)."""
    jvm = spark.sparkContext._jvm
    hadoop_conf = spark.sparkContext._jsc.hadoopConfiguration()
    root = jvm.org.apache.hadoop.fs.Path(config["input"])
    fs = root.getFileSystem(hadoop_conf)
    status = fs.getFileStatus(root)
    entries = []

    def walk(folder, relative):
        children = sorted(fs.listStatus(folder), key=lambda s: s.getPath().getName().encode("utf-8"))
        for child in children:
            name = child.getPath().getName()
            if name.startswith("."):
                continue
            rel = relative + "/" + name if relative else name
            if child.isDirectory():
                if not child.isSymlink():
                    walk(child.getPath(), rel)
            else:
                entries.append({"path": child.getPath().toString(), "name": rel, "remote": True,
                                "folder": True, "size": child.getLen(),
                                "mtime": child.getModificationTime()})

    if status.isDirectory():
        walk(root, "")
    else:
        entries.append({"path": status.getPath().toString(), "name": config["input"], "remote": True,
                        "folder": False, "size": status.getLen(), "mtime": status.getModificationTime()})
    return entries, 0, None  # a task runs in its staging folder


# MARK: One task (executor)

def stage(entry, scratch, stage_command):
    """Copies a URI to a local file under scratch, at its dataset-relative name (so that
    flowcsv's own rules for hidden names apply). Returns the local path."""
    local = os.path.join(scratch, "in", entry["name"])
    os.makedirs(os.path.dirname(local), exist_ok=True)
    parsed = urllib.parse.urlparse(entry["path"])
    if parsed.scheme == "file":
        shutil.copyfile(urllib.parse.unquote(parsed.path), local)
    else:
        command = stage_command.replace("{uri}", shlex.quote(entry["path"])).replace("{local}", shlex.quote(local))
        subprocess.run(command, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return local


def is_listed_capture(binary, scratch, env):
    """Asks flowcsv whether the staged file is one a folder run would read."""
    result = subprocess.run([binary, "--list-inputs", os.path.join(scratch, "in")],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    return result.returncode == 0 and bool(result.stdout.strip())


def count_rows(path):
    import csv
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        return max(0, sum(1 for _ in csv.reader(f)) - 1)


def write_atomically(path, data):
    temporary = "%s.tmp-%d" % (path, os.getpid())
    with open(temporary, "wb") as f:
        f.write(data)
    os.replace(temporary, path)


class Settled(Exception):
    """The task's record is complete before flowcsv ran (staging failed, or not a capture)."""


def run_one(index, entry, conf, binary):
    parts, statuses = os.path.join(conf["outdir"], "parts"), os.path.join(conf["outdir"], "status")
    part = os.path.join(parts, "part-%06d.csv" % index)
    status_path = os.path.join(statuses, "part-%06d.json" % index)
    env = task_environment(conf["env"])
    record = {"index": index, "file": entry["path"], "source_name": entry["name"], "key": entry["key"],
              "exit_status": None, "state": "failed", "stderr": [], "rows": None, "packets": None,
              "flows": None, "failed_files": None, "packets_in_no_flow": 0, "skipped": False,
              "part_bytes": None}
    scratch = None
    try:
        path = entry["path"]
        if entry["remote"]:
            scratch = tempfile.mkdtemp(prefix="flowcsv-stage-")
            try:
                path = stage(entry, scratch, conf["stage_command"])
            except (OSError, subprocess.CalledProcessError) as error:
                detail = getattr(error, "stderr", None)
                reason = detail.decode("utf-8", "replace").strip().splitlines()[-1:] if detail else [str(error)]
                record["stderr"] = ["flowcsv: error: %s: could not be staged: %s" % (entry["name"], "; ".join(reason))]
                raise Settled()
            if entry.get("folder") and not is_listed_capture(binary, scratch, env):
                record.update(state="skipped", skipped=True, exit_status=0)
                raise Settled()
        temporary = "%s.tmp-%d" % (part, os.getpid())
        with open(temporary, "wb") as out:
            result = subprocess.run([binary, "--source-name", entry["name"]] + conf["options"] + [path],
                                    stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE,
                                    cwd=scratch or conf["dataset_root"], env=env)
        lines = result.stderr.decode("utf-8", "replace").splitlines()
        record["exit_status"] = result.returncode
        summary = None
        for line in lines:
            match = SUMMARY.match(line)
            if match:
                summary = match
            elif not line.startswith("flowcsv: progress:"):
                record["stderr"].append(line)
        if summary:
            record["packets"], record["flows"], record["failed_files"] = (int(summary.group(i)) for i in (2, 3, 4))
            record["packets_in_no_flow"] = int(summary.group(5) or 0)
        if result.returncode in (0, 1):
            os.replace(temporary, part)
            record["rows"] = count_rows(part)
            record["part_bytes"] = os.path.getsize(part)
        else:
            os.unlink(temporary)
        file_error = any(l.startswith("flowcsv: error: %s: " % entry["name"]) for l in record["stderr"])
        if result.returncode == 0:
            record["state"] = "ok"
        elif result.returncode == 1 and file_error and (summary is None or record["failed_files"] == 1):
            record["state"] = "bad-input"   # the capture cannot be read: a rerun says the same
        else:
            how = ("was killed by signal %d" % -result.returncode if result.returncode < 0
                   else "exited with status %d" % result.returncode)
            record["stderr"].append("flowcsv: error: %s: flowcsv %s" % (entry["name"], how))
    except Settled:
        pass
    except Exception as error:  # the task itself failed: recorded, recomputed on a rerun
        record["stderr"].append("flowcsv: error: %s: task failed: %s" % (entry["name"], error))
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    write_atomically(status_path, (json.dumps(record, indent=1, sort_keys=True) + "\n").encode("utf-8"))
    return record


def run_partition(items, conf):
    binary = conf["binary"]
    try:
        from pyspark import SparkFiles
        shipped = SparkFiles.get("flowcsv")
        if conf["use_shipped"] and os.path.exists(shipped):
            binary = shipped
    except Exception:
        pass
    try:
        binary = make_executable(binary)
    except OSError as error:
        binary = None
        problem = str(error)
    for index, entry in items:
        if binary is None:
            record = failed_record(index, entry, "flowcsv binary not usable on this executor: " + problem)
            write_atomically(os.path.join(conf["outdir"], "status", "part-%06d.json" % index),
                             (json.dumps(record, indent=1, sort_keys=True) + "\n").encode("utf-8"))
            yield record
        else:
            yield run_one(index, entry, conf, binary)


def failed_record(index, entry, reason):
    """The status of a task that could not run flowcsv at all."""
    return {"index": index, "file": entry["path"], "source_name": entry["name"], "key": entry["key"],
            "exit_status": None, "state": "failed", "skipped": False, "rows": None, "packets": None,
            "flows": None, "failed_files": None, "packets_in_no_flow": 0, "part_bytes": None,
            "stderr": ["flowcsv: error: %s: %s" % (entry["name"], reason)]}


# MARK: The driver

def load_status(outdir, index):
    try:
        with open(os.path.join(outdir, "status", "part-%06d.json" % index), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def is_complete(record, entry, outdir, retry_bad_inputs):
    if not record or record.get("key") != entry["key"]:
        return False
    if record.get("state") == "skipped":
        return True
    if record.get("state") not in ("ok", "bad-input") or (retry_bad_inputs and record["state"] == "bad-input"):
        return False
    part = os.path.join(outdir, "parts", "part-%06d.csv" % record["index"])
    return os.path.exists(part) and os.path.getsize(part) == record.get("part_bytes")


def merge(outdir, records):
    """Concatenates the parts in input order, keeping the first header only."""
    target = os.path.join(outdir, "flows.csv")
    temporary = "%s.tmp-%d" % (target, os.getpid())
    header = None
    with open(temporary, "wb") as out:
        for record in records:
            part = os.path.join(outdir, "parts", "part-%06d.csv" % record["index"])
            if record.get("state") == "skipped" or not os.path.exists(part):
                continue
            with open(part, "rb") as f:
                first = f.readline()
                if header is None:
                    header = first
                    out.write(first)
                elif first != header:
                    raise RuntimeError("%s has another header than the first part" % part)
                shutil.copyfileobj(f, out, 1 << 20)
    os.replace(temporary, target)
    return target


def parquet_schema(header):
    from pyspark.sql.types import (DecimalType, DoubleType, LongType, StringType, StructField,
                                   StructType)
    longs = {"ClientPort", "ServerPort", "FlowPackets", "FlowBytes", "FwdPackets", "FwdBytes",
             "BwdPackets", "BwdBytes"}
    doubles = {"DurationTime", "PacketsBytesAvg"}
    decimals = {"StartTime", "EndTime"}
    fields = []
    for name in header:
        kind = (DecimalType(20, 9) if name in decimals else LongType() if name in longs
                else DoubleType() if name in doubles else StringType())
        fields.append(StructField(name, kind, True))
    return StructType(fields)


def write_parquet(spark, outdir, records):
    import csv
    parts = [os.path.join(outdir, "parts", "part-%06d.csv" % r["index"]) for r in records
             if r.get("state") != "skipped" and os.path.exists(os.path.join(outdir, "parts", "part-%06d.csv" % r["index"]))]
    if not parts:
        return
    with open(parts[0], newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    frame = (spark.read.schema(parquet_schema(header))
             .option("header", True).option("multiLine", True).option("escape", '"')
             .option("mode", "FAILFAST").option("enforceSchema", False)
             .csv(["file://" + p for p in parts]))
    writer = frame.write.mode("overwrite")
    if "AppName" in header:
        writer = writer.partitionBy("AppName")
    writer.parquet("file://" + os.path.join(outdir, "parquet"))


def main(argv):
    config = parse_arguments(argv)
    config["env"] = {k: v for k, v in os.environ.items() if k.startswith("FLOWCSV_")}
    from pyspark.sql import SparkSession
    if __name__ != "__main__":
        # Imported (as the tests do): ship the task functions by value, executors can't import us.
        from pyspark import cloudpickle
        cloudpickle.register_pickle_by_value(sys.modules[__name__])
    spark = SparkSession.builder.appName("flowcsv").getOrCreate()
    try:
        return drive(spark, config)
    finally:
        if os.environ.get("FLOWCSV_SPARK_KEEP_SESSION") != "1":
            spark.stop()


def drive(spark, config):
    sc = spark.sparkContext
    use_shipped = config["flowcsv"] is None
    binary = config["flowcsv"]
    if binary is None:
        from pyspark import SparkFiles
        shipped = SparkFiles.get("flowcsv")
        binary = shipped if os.path.exists(shipped) else os.path.abspath("flowcsv")
    if not os.path.exists(binary):
        usage("no flowcsv binary: ship it with --files flowcsv, give --flowcsv PATH or put it in ./")
    binary = make_executable(os.path.abspath(binary))
    outdir = os.path.abspath(config["outdir"])
    for folder in ("parts", "status"):
        os.makedirs(os.path.join(outdir, folder), exist_ok=True)

    if is_uri(config["input"]):
        # Check the options with flowcsv first (usage errors exit 64 before any task runs).
        check = subprocess.run([binary] + config["options"] + ["--list-inputs", os.devnull],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=task_environment(config["env"]))
        if check.returncode == USAGE_EXIT:
            sys.stderr.write(check.stderr.decode("utf-8", "replace"))
            return USAGE_EXIT
        entries, skipped, dataset_root = list_remote(spark, config)
    else:
        entries, skipped, dataset_root = list_local(binary, config)

    # What a part depends on besides its input: the binary, the options and the files they name.
    named = [a.partition("=")[2] if "=" in a else b for a, b in zip(config["options"], config["options"][1:] + [""])
             if a.partition("=")[0] in FILE_OPTIONS]
    fingerprint = json.dumps({"binary": sha256_file(binary), "options": config["options"],
                              "files": [sha256_file(f) if os.path.isfile(f) else None for f in named]}, sort_keys=True)
    for entry in entries:
        entry["key"] = hashlib.sha256(json.dumps(
            [fingerprint, entry["path"], entry["name"], entry["size"], entry["mtime"]]).encode("utf-8")).hexdigest()

    previous = {i: load_status(outdir, i) for i in range(len(entries))}
    todo = [(i, e) for i, e in enumerate(entries)
            if not is_complete(previous[i], e, outdir, config["retry_bad_inputs"])]
    conf = {"outdir": outdir, "options": config["options"], "dataset_root": dataset_root,
            "stage_command": config["stage_command"], "binary": binary, "use_shipped": use_shipped,
            "env": config["env"]}
    computed = {}
    if todo:
        slices = max(1, (len(todo) + config["files_per_task"] - 1) // config["files_per_task"])
        try:
            results = sc.parallelize(todo, slices).mapPartitions(lambda items: run_partition(items, conf)).collect()
        except Exception as error:  # the job failed: keep what its tasks recorded, the rest failed
            sys.stderr.write("flowcsv-spark: error: the Spark job failed: %s\n" % str(error).splitlines()[0])
            results = []
            for index, entry in todo:
                record = load_status(outdir, index)
                results.append(record if record and record.get("key") == entry["key"]
                               else failed_record(index, entry, "the Spark task failed"))
        computed = {r["index"]: r for r in results}
    records = [computed.get(i) or previous[i] for i in range(len(entries))]

    for record in records:
        for line in record["stderr"]:
            if not (config["quiet"] and line.startswith("flowcsv: warning: ")):
                sys.stderr.write(line + "\n")
    read = [r for r in records if r["state"] != "skipped"]
    skipped += len(records) - len(read)
    if not read:
        sys.stderr.write("flowcsv: error: no capture files found in the inputs%s\n"
                         % (" (%d non-capture files skipped)" % skipped if skipped else ""))
        return 1
    merge(outdir, records)
    failed = sum(1 for r in read if r["state"] != "ok")
    if not config["quiet"]:
        line = "flowcsv: %d files, %d packets, %d flows, %d failed" % (
            len(read), sum(r["packets"] or 0 for r in read), sum(r["flows"] or 0 for r in read), failed)
        no_flow = sum(r["packets_in_no_flow"] or 0 for r in read)
        if no_flow:
            line += ", %d packets in no flow (not IP or undecodable)" % no_flow
        if skipped:
            line += ", %d non-capture files skipped" % skipped
        sys.stderr.write(line + "\n")
    sys.stderr.write("flowcsv-spark: %d inputs, %d computed, %d reused, output %s\n"
                     % (len(records), len(computed), len(records) - len(computed), os.path.join(outdir, "flows.csv")))
    if config["parquet"]:
        write_parquet(spark, outdir, read)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
