#!/usr/bin/env python3
"""What idle connection pairs cost a proxy: nlb4j (the runner jar, as the README runs it) and HAProxy.

For each proxy: a warm-up of 1,000 pairs opened and closed, then N client connections (default 5,000) opened
through it to a backend that accepts and holds them, no byte sent; the proxy's resident memory (VmRSS) is read
before and after, and for nlb4j also its live heap after a full GC (jcmd GC.run, GC.heap_info). The figures are
per pair: one client connection and the proxy's connection to the backend.

    benchmarks/load/idle.py                       # 5,000 pairs, nlb4j and HAProxy
    benchmarks/load/idle.py --pairs 2000 --only nlb4j
    benchmarks/load/idle.py --check               # exit 1 when nlb4j's cost per pair is over 16 KiB

The backend and the clients are this script (asyncio, one process); every address is 127.0.0.1.
"""

import argparse
import asyncio
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_JAR = os.path.join(REPO, "samples", "target", "nlb4j.jar")
TARGET_KIB = 16.0


def log(msg):
    print("idle: " + msg, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS for process %d" % pid)


def java_live_heap_kib(pid):
    """The heap in use after a full GC, in KiB, from jcmd."""
    jcmd = shutil.which("jcmd") or os.path.join(os.path.dirname(os.path.realpath(shutil.which("java"))), "jcmd")
    for _ in range(2):
        subprocess.run([jcmd, str(pid), "GC.run"], check=True, capture_output=True, timeout=60)
    out = subprocess.run([jcmd, str(pid), "GC.heap_info"], check=True, capture_output=True, text=True,
                         timeout=60).stdout
    # G1: " garbage-first heap   total 262144K, used 21450K [...]"; Serial and Parallel list their generations:
    # " def new generation   total 116224K, used 0K [...]", " tenured generation   total 258048K, used 6572K [...]"
    m = re.search(r"heap\s+total \d+K, used (\d+)K", out)
    if m:
        return int(m.group(1))
    gens = re.findall(r"^ \S.*?(?:generation|gen)\s+total \d+K, used (\d+)K", out, re.M)
    if not gens:
        raise RuntimeError("cannot read the heap in use from jcmd GC.heap_info:\n" + out)
    return sum(int(g) for g in gens)


def wait_listening(port, proc, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("%s exited with %s before listening on %d" % (what, proc.returncode, port))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("%s did not listen on %d within %d s" % (what, port, timeout))


class Backend:
    """Accepts connections and holds them, reading (and dropping) whatever comes."""

    def __init__(self):
        self.held = set()
        self.server = None

    async def start(self, port):
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", port, backlog=4096)

    async def handle(self, reader, writer):
        self.held.add(writer)
        try:
            while await reader.read(4096):
                pass
        except (ConnectionError, OSError):
            pass
        finally:
            self.held.discard(writer)
            writer.close()


async def open_pairs(port, n, backend, timeout=60.0):
    """Opens n client connections through the proxy; returns them once the backend holds n connections."""
    clients = []
    sem = asyncio.Semaphore(256)

    async def one():
        async with sem:
            _, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
            clients.append(w)

    await asyncio.gather(*(one() for _ in range(n)))
    deadline = time.time() + timeout
    while len(backend.held) < n:
        if time.time() > deadline:
            raise RuntimeError("the backend holds %d of %d connections after %d s" % (len(backend.held), n, timeout))
        await asyncio.sleep(0.05)
    return clients


async def close_pairs(clients, backend, timeout=60.0):
    for w in clients:
        w.close()
    deadline = time.time() + timeout
    while backend.held:
        if time.time() > deadline:
            raise RuntimeError("the backend still holds %d connections %d s after the clients closed"
                               % (len(backend.held), timeout))
        await asyncio.sleep(0.05)


def nlb4j_yaml(port, backend_port):
    return f"""name: idle-lb
placement:
  region: cn-north-1
  vpc: vpc-bench
  zones: [az-a]
listeners:
  - name: idle
    protocol: TCP
    port: {port}
    backendService:
      name: holders
      protocol: TCP
      connectionDraining: 0s
      healthCheck: {{type: NONE}}
      servers:
        static:
          - {{address: 127.0.0.1, port: {backend_port}}}
"""


def haproxy_cfg(port, backend_port, pairs):
    return f"""global
    nbthread 1
    maxconn {pairs + 100}

defaults
    mode tcp
    timeout connect 5s
    timeout client 300s
    timeout server 300s

frontend idle
    bind 127.0.0.1:{port}
    default_backend holders

backend holders
    server holder 127.0.0.1:{backend_port}
"""


async def measure(name, proc, port, pairs, backend, java):
    await close_pairs(await open_pairs(port, min(1000, pairs), backend), backend)  # warm-up
    await asyncio.sleep(1)
    heap0 = java_live_heap_kib(proc.pid) if java else None
    rss0 = rss_kib(proc.pid)
    clients = await open_pairs(port, pairs, backend)
    await asyncio.sleep(2)
    heap1 = java_live_heap_kib(proc.pid) if java else None
    rss1 = rss_kib(proc.pid)
    await close_pairs(clients, backend)
    row = {"proxy": name, "rss": (rss1 - rss0) / pairs}
    if java:
        row["heap"] = (heap1 - heap0) / pairs
    return row


async def main_async(a):
    tmp = tempfile.mkdtemp(prefix="nlb4j-idle-")
    backend = Backend()
    backend_port = free_port()
    await backend.start(backend_port)
    rows = []
    for name in a.only:
        port = free_port()
        if name == "nlb4j":
            cfg = os.path.join(tmp, "nlb4j.yaml")
            with open(cfg, "w") as f:
                f.write(nlb4j_yaml(port, backend_port))
            argv = ["java", "-XX:ActiveProcessorCount=1"] + a.java_opts.split() + [
                "-jar", a.jar, "run", "--config", cfg, "--bind-address", "127.0.0.1"]
        else:
            cfg = os.path.join(tmp, "haproxy.cfg")
            with open(cfg, "w") as f:
                f.write(haproxy_cfg(port, backend_port, a.pairs))
            argv = ["haproxy", "-db", "-f", cfg]
        logf = open(os.path.join(tmp, name + ".log"), "w")
        log("starting %s: %s" % (name, " ".join(argv)))
        proc = subprocess.Popen(argv, stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            await asyncio.get_running_loop().run_in_executor(None, wait_listening, port, proc, 60, name)
            rows.append(await measure(name, proc, port, a.pairs, backend, name == "nlb4j"))
        except RuntimeError as e:
            with open(logf.name) as f:
                raise RuntimeError("%s\n%s's output:\n%s" % (e, name, f.read()[-2000:])) from None
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
            logf.close()
    backend.server.close()
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pairs", type=int, default=5000, help="idle pairs to open (default 5000)")
    p.add_argument("--only", default="nlb4j,haproxy", help="proxies, comma-separated: nlb4j, haproxy")
    p.add_argument("--jar", default=DEFAULT_JAR, help="the nlb4j runner jar (default samples/target/nlb4j.jar)")
    p.add_argument("--check", action="store_true", help="exit 1 when nlb4j's cost per pair is over 16 KiB")
    a = p.parse_args()
    a.only = [t.strip() for t in a.only.split(",") if t.strip()]
    a.java_opts = os.environ.get("NLB4J_JAVA_OPTS", "")
    for t in a.only:
        if t not in ("nlb4j", "haproxy"):
            p.error("--only: %r (expected: nlb4j or haproxy)" % t)
    if "haproxy" in a.only and not shutil.which("haproxy"):
        p.error("haproxy not found: apt-get install haproxy")
    if "nlb4j" in a.only and not os.path.isfile(a.jar):
        p.error("--jar: %s does not exist (build it: mvn -B -ntp -q -DskipTests package)" % a.jar)
    need = a.pairs * 2 + 100
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        if hard < need:
            p.error("--pairs %d needs %d file descriptors here, the limit is %d" % (a.pairs, need, hard))
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))
    rows = asyncio.run(main_async(a))
    print("%d idle pairs (a client connection and the proxy's connection to the backend each), cost per pair:"
          % a.pairs)
    print("%-8s %14s %22s" % ("proxy", "RSS KiB/pair", "live heap KiB/pair"))
    for r in rows:
        print("%-8s %14.2f %22s" % (r["proxy"], r["rss"], "%.2f" % r["heap"] if "heap" in r else "-"))
    if a.check:
        for r in rows:
            if r["proxy"] == "nlb4j":
                worst = max(r["rss"], r.get("heap", 0))
                if worst > TARGET_KIB:
                    print("idle pairs: nlb4j costs %.2f KiB per pair (target: at most %.0f)" % (worst, TARGET_KIB))
                    sys.exit(1)
                print("idle pairs: nlb4j costs at most %.2f KiB per pair (target: at most %.0f): met"
                      % (worst, TARGET_KIB))


if __name__ == "__main__":
    main()
