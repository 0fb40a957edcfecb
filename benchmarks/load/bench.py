#!/usr/bin/env python3
"""Side-by-side load benchmark of nlb4j, HAProxy and nginx's stream module, with a direct connection as the limit.

Every proxy does the same job on the same CPU budget: one TCP listener round-robin over three nginx HTTP
backends, and one in front of an iperf3 server. Backends and load generators run on one CPU (--load-cpu), every
proxy on another (--proxy-cpu), single-threaded. Rounds are interleaved (each round measures every target once,
in an order rotated per round) after a discarded warm-up round; the table shows medians over rounds and the
median of the per-round ratios. See benchmarks/README.md.

Only the Python standard library is used. Run it through benchmarks/load/run.sh or directly:

    python3 benchmarks/load/bench.py [--rounds N] [--seconds S] [--only nlb4j,haproxy] [--quick] [--check]
"""

import argparse
import ctypes
import json
import os
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

TARGETS = ("direct", "haproxy", "nginx", "nlb4j")
PROXIES = ("haproxy", "nginx", "nlb4j")
LABELS = {"direct": "direct", "haproxy": "HAProxy", "nginx": "nginx stream", "nlb4j": "nlb4j"}
METRICS = ("bulk", "new", "ka", "p99")
INSTALL_HINT = "apt-get install haproxy nginx libnginx-mod-stream iperf3 wrk strace"
STREAM_MODULE_PATHS = (
    "/usr/lib/nginx/modules/ngx_stream_module.so",
    "/usr/lib64/nginx/modules/ngx_stream_module.so",
    "/usr/share/nginx/modules/ngx_stream_module.so",
    "/usr/local/nginx/modules/ngx_stream_module.so",
)
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_JAR = os.path.join(REPO, "samples", "target", "nlb4j.jar")
HTTP_REQUEST_CLOSE = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"

# Syscalls shown one by one in the per-connection table (others are summed under "other"), and the groups.
SYSCALL_GROUPS = (
    ("accept", ("accept", "accept4")),
    ("connect", ("connect",)),
    ("socket", ("socket",)),
    ("close", ("close",)),
    ("shutdown", ("shutdown",)),
    ("read/write", ("read", "write", "readv", "writev", "recvfrom", "sendto", "recvmsg", "sendmsg",
                    "recvmmsg", "sendmmsg", "splice")),
    ("epoll_ctl", ("epoll_ctl",)),
    ("epoll_wait", ("epoll_wait", "epoll_pwait", "epoll_pwait2")),
    ("setsockopt", ("setsockopt",)),
    ("getsockopt", ("getsockopt",)),
    ("getsockname", ("getsockname",)),
    ("getpeername", ("getpeername",)),
    ("futex", ("futex",)),
)


class BenchError(Exception):
    """A failure that ends the run with a message and exit code 1."""


def log(msg=""):
    print(msg, flush=True)


# ---------------------------------------------------------------------------------------------------------------
# Processes: every one started is registered, put in its own process group, and told to die with this script.

_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1


def _child_setup():
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class Procs:
    def __init__(self):
        self.procs = []  # (name, Popen, log file object or None)

    def start(self, name, argv, log_path):
        out = open(log_path, "ab")
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                             start_new_session=True, preexec_fn=_child_setup)
        self.procs.append((name, p, out))
        return p

    def run(self, argv, timeout):
        """Runs a client to completion (killed at the timeout); returns (exit code, stdout, stderr)."""
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True, preexec_fn=_child_setup)
        entry = (" ".join(argv[:3]), p, None)
        self.procs.append(entry)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._kill(p, signal.SIGKILL)
            p.communicate()
            raise BenchError("timed out after %ss: %s" % (timeout, shlex.join(argv)))
        except BaseException:  # Ctrl-C or a signal: the client goes with us
            self._kill(p, signal.SIGKILL)
            p.wait()
            raise
        finally:
            self.procs.remove(entry)
        return p.returncode, out.decode(errors="replace"), err.decode(errors="replace")

    @staticmethod
    def _kill(p, sig):
        try:
            os.killpg(p.pid, sig)
        except (ProcessLookupError, PermissionError):
            try:
                p.send_signal(sig)
            except ProcessLookupError:
                pass

    def stop(self, p, grace=15.0):
        if p.poll() is None:
            self._kill(p, signal.SIGTERM)
            try:
                p.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self._kill(p, signal.SIGKILL)
                p.wait()
        # Whatever is left in its group (an nginx worker whose master was killed, say).
        self._kill(p, signal.SIGKILL)

    def stop_all(self):
        live = [(n, p, f) for n, p, f in reversed(self.procs)]
        for _, p, _ in live:
            if p.poll() is None:
                self._kill(p, signal.SIGTERM)
        deadline = time.monotonic() + 15.0
        for _, p, _ in live:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for _, p, f in live:
            self._kill(p, signal.SIGKILL)
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            if f:
                f.close()
        self.procs.clear()


# ---------------------------------------------------------------------------------------------------------------
# Ports and readiness

def port_free(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def allocate_ports(base, count):
    """Consecutive free ports from base up (kept below the ephemeral range so that no client picks them)."""
    ports, p = [], base
    while len(ports) < count:
        if p > 32000:
            raise BenchError("no %d free ports between %d and 32000 (try --base-port)" % (count, base))
        if port_free(p):
            ports.append(p)
        p += 1
    return ports


def listening(port):
    """Whether something listens on 127.0.0.1:port or a wildcard address, read from /proc (no connection made)."""
    want = {"/proc/net/tcp": ("0100007F:%04X" % port, "00000000:%04X" % port),
            "/proc/net/tcp6": ("0000000000000000FFFF00000100007F:%04X" % port,
                               "00000000000000000000000000000000:%04X" % port)}
    for table, addresses in want.items():
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if fields[3] == "0A" and fields[1] in addresses:
                        return True
        except OSError:
            pass
    return False


def http_get_close(port, timeout=5.0):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(HTTP_REQUEST_CLOSE)
        chunks = []
        while True:
            b = s.recv(4096)
            if not b:
                break
            chunks.append(b)
    return b"".join(chunks)


def wait_ready(name, proc, ports, http_port, timeout, log_path):
    """Waits until every port listens and, through http_port, a request gets the backends' 200 ok."""
    deadline = time.monotonic() + timeout
    last = "not listening"
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise BenchError("%s exited with %s during its start; its log %s ends:\n%s"
                             % (name, proc.returncode, log_path, tail(log_path)))
        if all(listening(p) for p in ports):
            if http_port is None:
                return
            try:
                reply = http_get_close(http_port)
                if reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"ok\n"):
                    return
                last = "unexpected reply %r" % reply[:80]
            except OSError as e:
                last = str(e)
        time.sleep(0.1)
    raise BenchError("%s not ready after %ss (%s); its log %s ends:\n%s"
                     % (name, timeout, last, log_path, tail(log_path)))


def tail(path, lines=20):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as e:
        return "(%s)" % e


# ---------------------------------------------------------------------------------------------------------------
# Configurations

def nginx_backend_conf(d, i, port):
    return f"""# backend {i}: a small static response, keep-alive with a high request limit
daemon off;
worker_processes 1;
pid {d}/backend{i}.pid;
error_log {d}/backend{i}.error.log warn;
worker_rlimit_nofile {nofile_limit()};
events {{ worker_connections 16384; }}
http {{
    access_log off;
    client_body_temp_path {d}/tmp{i}/body;
    proxy_temp_path {d}/tmp{i}/proxy;
    fastcgi_temp_path {d}/tmp{i}/fastcgi;
    uwsgi_temp_path {d}/tmp{i}/uwsgi;
    scgi_temp_path {d}/tmp{i}/scgi;
    default_type text/plain;
    keepalive_requests 10000000;
    keepalive_timeout 300s;
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        location / {{ return 200 "ok\\n"; }}
    }}
}}
"""


def haproxy_conf(http_port, bulk_port, backends, iperf_port, maxconn):
    servers = "\n".join("    server web%d 127.0.0.1:%d" % (i + 1, p) for i, p in enumerate(backends))
    return f"""# HAProxy: TCP mode, one thread, round robin, no health checks
global
    nbthread 1
    maxconn {maxconn}

defaults
    mode tcp
    timeout connect 5s
    timeout client 60s
    timeout server 60s

frontend http
    bind 127.0.0.1:{http_port}
    default_backend web

backend web
    balance roundrobin
{servers}

frontend bulk
    bind 127.0.0.1:{bulk_port}
    default_backend bulk

backend bulk
    server iperf3 127.0.0.1:{iperf_port}
"""


def nofile_limit():
    """The descriptor limit the proxies inherit (the script raises its soft limit to the hard one), at most 1M."""
    import resource
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return 1 << 20 if soft == resource.RLIM_INFINITY else min(soft, 1 << 20)


def haproxy_maxconn():
    """As many connections as the descriptor limit allows (two descriptors each), at most 50,000."""
    return max(1000, min(50000, (nofile_limit() - 200) // 2))


def nginx_stream_conf(d, module, http_port, bulk_port, backends, iperf_port):
    load = "load_module %s;\n" % module if module else ""
    servers = "\n".join("        server 127.0.0.1:%d;" % p for p in backends)
    return f"""# nginx stream: one worker, round robin (the default), passive checks only (the default)
{load}daemon off;
worker_processes 1;
pid {d}/nginx-stream.pid;
error_log {d}/nginx-stream.error.log warn;
worker_rlimit_nofile {nofile_limit()};
events {{ worker_connections 16384; }}
stream {{
    upstream web {{
{servers}
    }}
    upstream bulk {{
        server 127.0.0.1:{iperf_port};
    }}
    server {{
        listen 127.0.0.1:{http_port} backlog=4096;
        proxy_pass web;
    }}
    server {{
        listen 127.0.0.1:{bulk_port};
        proxy_pass bulk;
    }}
}}
"""


def nlb4j_conf(http_port, bulk_port, backends, iperf_port):
    servers = "\n".join("          - {address: 127.0.0.1, port: %d}" % p for p in backends)
    return f"""# nlb4j: the same job as the HAProxy and nginx configurations; no active health check
name: bench-lb
placement:
  region: cn-north-1
  vpc: vpc-bench
  zones: [az-a]
listeners:
  - name: http
    protocol: TCP
    port: {http_port}
    backendService:
      name: web
      protocol: TCP
      scheduling: WEIGHTED_ROUND_ROBIN
      connectionDraining: 0s
      healthCheck: {{type: NONE}}
      servers:
        static:
{servers}
  - name: bulk
    protocol: TCP
    port: {bulk_port}
    backendService:
      name: bulk
      protocol: TCP
      connectionDraining: 0s
      healthCheck: {{type: NONE}}
      servers:
        static:
          - {{address: 127.0.0.1, port: {iperf_port}}}
"""


# ---------------------------------------------------------------------------------------------------------------
# Tools

def stream_module():
    """(path to load, or None if built in) of nginx's stream module; raises LookupError if there is none."""
    override = os.environ.get("NGINX_STREAM_MODULE")
    if override:
        if not os.path.exists(override):
            raise LookupError("NGINX_STREAM_MODULE=%s does not exist" % override)
        return override
    for p in STREAM_MODULE_PATHS:
        if os.path.exists(p):
            return p
    try:
        v = subprocess.run(["nginx", "-V"], capture_output=True, text=True).stderr
    except OSError:
        v = ""
    if re.search(r"--with-stream(\s|$)", v):
        return None
    raise LookupError("nginx's stream module (ngx_stream_module.so) not found")


def check_tools(args):
    needed = {"taskset": "util-linux", "wrk": "wrk"}
    if "haproxy" in args.targets:
        needed["haproxy"] = "haproxy"
    needed["nginx"] = "nginx"  # the backends are nginx in every run
    if args.bulk:
        needed["iperf3"] = "iperf3"
    if "nlb4j" in args.targets:
        needed["java"] = "openjdk-17-jre-headless"
    if args.per_connection:
        needed["strace"] = "strace"
    missing = [tool for tool in needed if shutil.which(tool) is None]
    problems = ["%s not found (package %s)" % (t, needed[t]) for t in missing]
    module = None
    if "nginx" in args.targets and shutil.which("nginx"):
        try:
            module = stream_module()
        except LookupError as e:
            problems.append("%s (package libnginx-mod-stream)" % e)
    if "nlb4j" in args.targets and not os.path.isfile(args.jar):
        problems.append("%s not found; build it first: (cd %s && mvn -B -ntp -q -DskipTests package)"
                        % (args.jar, REPO))
    if problems:
        for p in problems:
            log("bench: " + p)
        log("bench: install the tools with: %s" % INSTALL_HINT)
        sys.exit(2)
    ncpu = os.cpu_count() or 1
    for cpu in (args.load_cpu, args.proxy_cpu):
        if cpu >= ncpu:
            log("bench: CPU %d does not exist (this machine has %d); see --load-cpu and --proxy-cpu" % (cpu, ncpu))
            sys.exit(2)
    return module


def versions(args):
    out = {}

    def first_line(argv, stream="stdout"):
        try:
            r = subprocess.run(argv, capture_output=True, text=True, timeout=20)
            text = (r.stdout if stream == "stdout" else r.stderr) or r.stdout or r.stderr
            return text.strip().splitlines()[0] if text.strip() else "?"
        except (OSError, subprocess.TimeoutExpired):
            return "?"
    out["haproxy"] = first_line(["haproxy", "-v"]) if shutil.which("haproxy") else "-"
    out["nginx"] = first_line(["nginx", "-v"], "stderr")
    out["wrk"] = first_line(["wrk", "--version"])
    out["iperf3"] = first_line(["iperf3", "--version"]) if shutil.which("iperf3") else "-"
    out["java"] = first_line(["java", "-version"], "stderr") if shutil.which("java") else "-"
    return out


# ---------------------------------------------------------------------------------------------------------------
# Measurements

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}


def parse_wrk(out):
    res = {}
    m = re.search(r"^\s*(\d+) requests in", out, re.M)
    res["requests"] = int(m.group(1)) if m else 0
    m = re.search(r"^Requests/sec:\s*([\d.]+)", out, re.M)
    res["rps"] = float(m.group(1)) if m else 0.0
    m = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s|m|h)\s*$", out, re.M)
    res["p99_ms"] = float(m.group(1)) * _UNIT_MS[m.group(2)] if m else None
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    res["errors"] = dict(zip(("connect", "read", "write", "timeout"), map(int, m.groups()))) if m else {}
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        res["errors"]["non2xx"] = int(m.group(1))
    return res


class Bench:
    def __init__(self, args, procs, tmp):
        self.args = args
        self.procs = procs
        self.tmp = tmp
        self.http_port = {}
        self.bulk_port = {}
        self.proc = {}       # proxy -> Popen
        self.logs = {}       # name -> log path
        self.commands = {}   # name -> command line shown
        self.errors = {t: {} for t in args.targets}
        self.interference = {}  # target -> CPU seconds the other proxies used while it was measured

    # -- start -------------------------------------------------------------------------------------------------
    def start(self, module):
        a = self.args
        need = 3 + (1 if a.bulk else 0) + 2 * len([t for t in a.targets if t in PROXIES])
        ports = iter(allocate_ports(a.base_port, need))
        self.backends = [next(ports) for _ in range(3)]
        self.iperf_port = next(ports) if a.bulk else 1
        self.http_port["direct"] = self.backends[0]
        self.bulk_port["direct"] = self.iperf_port
        for t in a.targets:
            if t in PROXIES:
                self.http_port[t] = next(ports)
                self.bulk_port[t] = next(ports)
        load = ["taskset", "-c", str(a.load_cpu)]
        pin = ["taskset", "-c", str(a.proxy_cpu)]

        for i, port in enumerate(self.backends, 1):
            os.makedirs(os.path.join(self.tmp, "tmp%d" % i), exist_ok=True)
            cfg = self.write("backend%d.conf" % i, nginx_backend_conf(self.tmp, i, port))
            argv = load + ["nginx", "-p", self.tmp, "-e", os.path.join(self.tmp, "backend%d.error.log" % i),
                           "-c", cfg]
            self.launch("backend%d" % i, argv)
        if a.bulk:
            self.launch("iperf3-server", load + ["iperf3", "-s", "-B", "127.0.0.1", "-p", str(self.iperf_port)])
        for i, port in enumerate(self.backends, 1):
            wait_ready("backend%d" % i, self.proc["backend%d" % i], [port], port, 20, self.logs["backend%d" % i])
        if a.bulk:
            wait_ready("iperf3-server", self.proc["iperf3-server"], [self.iperf_port], None, 20,
                       self.logs["iperf3-server"])

        for t in a.targets:
            if t == "haproxy":
                cfg = self.write("haproxy.cfg", haproxy_conf(self.http_port[t], self.bulk_port[t], self.backends,
                                                             self.iperf_port, haproxy_maxconn()))
                self.check_config("haproxy", ["haproxy", "-c", "-q", "-f", cfg])
                self.launch("haproxy", pin + ["haproxy", "-db", "-f", cfg])
            elif t == "nginx":
                cfg = self.write("nginx-stream.conf", nginx_stream_conf(self.tmp, module, self.http_port[t],
                                                                        self.bulk_port[t], self.backends,
                                                                        self.iperf_port))
                err = os.path.join(self.tmp, "nginx-stream.error.log")
                self.check_config("nginx", ["nginx", "-t", "-q", "-p", self.tmp, "-e", err, "-c", cfg])
                self.launch("nginx", pin + ["nginx", "-p", self.tmp, "-e", err, "-c", cfg])
            elif t == "nlb4j":
                cfg = self.write("nlb4j.yaml", nlb4j_conf(self.http_port[t], self.bulk_port[t], self.backends,
                                                          self.iperf_port))
                opts = ["-XX:ActiveProcessorCount=1"] + shlex.split(os.environ.get("NLB4J_JAVA_OPTS", ""))
                self.launch("nlb4j", pin + ["java"] + opts + ["-jar", a.jar, "run", "--config", cfg,
                                                             "--bind-address", "127.0.0.1"]
                            + shlex.split(os.environ.get("NLB4J_ARGS", "")))
        for t in a.targets:
            if t in PROXIES:
                ports = [self.http_port[t]] + ([self.bulk_port[t]] if a.bulk else [])
                wait_ready(t, self.proc[t], ports, self.http_port[t], a.start_timeout, self.logs[t])

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def check_config(self, name, argv):
        r = subprocess.run(argv, capture_output=True, text=True)
        if r.returncode != 0:
            raise BenchError("%s rejects its configuration (%s):\n%s%s" % (name, shlex.join(argv), r.stdout,
                                                                           r.stderr))

    def launch(self, name, argv):
        path = os.path.join(self.tmp, name + ".log")
        self.logs[name] = path
        self.commands[name] = shlex.join(argv)
        self.proc[name] = self.procs.start(name, argv, path)

    def assert_alive(self):
        for name, p in self.proc.items():
            if p.poll() is not None:
                raise BenchError("%s exited with %s during the run; its log %s ends:\n%s"
                                 % (name, p.returncode, self.logs[name], tail(self.logs[name])))

    # -- load --------------------------------------------------------------------------------------------------
    def wrk(self, target, seconds, connections, close, latency=False):
        argv = ["taskset", "-c", str(self.args.load_cpu), "wrk", "-t", "1", "-c", str(connections),
                "-d", "%ds" % seconds, "--timeout", "5s"]
        if latency:
            argv.append("--latency")
        if close:
            argv += ["-H", "Connection: close"]
        argv.append("http://127.0.0.1:%d/" % self.http_port[target])
        rc, out, err = self.procs.run(argv, timeout=seconds + 30)
        if rc != 0:
            raise BenchError("wrk failed (%s) for %s: %s%s" % (rc, target, out, err))
        res = parse_wrk(out)
        if res["requests"] == 0:
            raise BenchError("wrk made no request through %s:\n%s" % (target, out))
        for k, v in res["errors"].items():
            self.errors[target][k] = self.errors[target].get(k, 0) + v
        return res

    def iperf(self, target, seconds):
        argv = ["taskset", "-c", str(self.args.load_cpu), "iperf3", "-c", "127.0.0.1",
                "-p", str(self.bulk_port[target]), "-t", str(seconds), "-P", "1", "-J"]
        last = ""
        for attempt in range(4):
            rc, out, err = self.procs.run(argv, timeout=seconds + 30)
            try:
                j = json.loads(out)
            except ValueError:
                j = {"error": (out + err).strip()[:300]}
            if "error" not in j and rc == 0:
                return j["end"]["sum_received"]["bits_per_second"] / 1e9
            last = j.get("error", "exit %s" % rc)
            self.errors[target]["iperf3"] = self.errors[target].get("iperf3", 0) + 1
            time.sleep(1.0 + attempt)  # "the server is busy": the previous test is still being torn down
        raise BenchError("iperf3 through %s failed 4 times: %s" % (target, last))

    def proxy_ticks(self):
        out = {}
        for t in PROXIES:
            if t in self.proc and self.proc[t].poll() is None:
                try:
                    out[t] = sum(cpu_ticks(process_tree(self.proc[t].pid)))
                except OSError:
                    pass
        return out

    def settle(self, limit=20.0, window=0.5):
        """Waits (at most limit seconds) until no proxy uses CPU: a JVM may still be compiling after its turn."""
        t0 = time.monotonic()
        while True:
            before = self.proxy_ticks()
            time.sleep(window)
            after = self.proxy_ticks()
            busy = sum(after.get(t, 0) - v for t, v in before.items())
            if (busy <= 1 and time.monotonic() - t0 >= self.args.pause) or time.monotonic() - t0 > limit:
                return time.monotonic() - t0

    def measured(self, target, fn):
        """Runs fn and returns (its result, what else ran meanwhile): the CPU the proxies not being measured used
        (seconds), the share of the proxy CPU that programs other than the proxies used, and the share of each
        of the two CPUs the hypervisor took away (steal)."""
        before, cpus0 = self.proxy_ticks(), cpu_stat()
        result = fn()
        after, cpus1 = self.proxy_ticks(), cpu_stat()
        hz = os.sysconf("SC_CLK_TCK")
        others = sum(after.get(t, v) - v for t, v in before.items() if t != target) / hz
        self.interference[target] = self.interference.get(target, 0.0) + others
        noise = {"others_cpu_s": others}
        p, l = self.args.proxy_cpu, self.args.load_cpu
        if p in cpus0 and p in cpus1 and l in cpus0 and l in cpus1:
            total = max(1, cpus1[p]["total"] - cpus0[p]["total"])
            proxies = sum(after.get(t, v) - v for t, v in before.items())
            noise["foreign"] = max(0.0, (cpus1[p]["tasks"] - cpus0[p]["tasks"] - proxies) / total)
            noise["steal_proxy_cpu"] = (cpus1[p]["steal"] - cpus0[p]["steal"]) / total
            noise["steal_load_cpu"] = ((cpus1[l]["steal"] - cpus0[l]["steal"])
                                       / max(1, cpus1[l]["total"] - cpus0[l]["total"]))
        return result, noise

    def measure(self, target, seconds):
        a = self.args
        r = {}
        noise = []
        if a.bulk:
            self.settle()
            r["bulk"], n = self.measured(target, lambda: self.iperf(target, seconds))
            noise.append(n)
        self.settle()
        new, n = self.measured(target, lambda: self.wrk(target, seconds, 32, close=True))
        noise.append(n)
        r["new"] = new["rps"]
        self.settle()
        ka, n = self.measured(target, lambda: self.wrk(target, seconds, 64, close=False, latency=True))
        noise.append(n)
        r["ka"] = ka["rps"]
        r["p99"] = ka["p99_ms"]
        r["others_cpu_s"] = sum(n["others_cpu_s"] for n in noise)
        for k in ("foreign", "steal_proxy_cpu", "steal_load_cpu"):
            if all(k in n for n in noise):
                r[k] = max(n[k] for n in noise)
        self.assert_alive()
        return r

    # -- per connection ----------------------------------------------------------------------------------------
    def sequential(self, target, n):
        port = self.http_port[target]
        ok = 0
        for _ in range(n):
            if http_get_close(port, timeout=10).startswith(b"HTTP/1.1 200"):
                ok += 1
        if ok != n:
            raise BenchError("%d of %d sequential requests through %s failed" % (n - ok, n, target))

    def syscalls(self, target, n):
        """strace -c -f over every thread of the proxy's processes during n sequential connections."""
        self.sequential(target, 50)  # warm the path first
        pids = process_tree(self.proc[target].pid)
        threads = sum(len(tasks(p)) for p in pids)
        out = os.path.join(self.tmp, "strace-%s.txt" % target)
        # With -f, "-p PID" attaches every thread of the process (a JVM's too) and follows new ones; naming
        # each thread's id as well would only make strace fail to attach twice.
        argv = ["taskset", "-c", str(self.args.load_cpu), "strace", "-c", "-f", "-o", out]
        for p in pids:
            argv += ["-p", str(p)]
        err_path = os.path.join(self.tmp, "strace-%s.log" % target)
        st = self.procs.start("strace-" + target, argv, err_path)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with open(err_path, errors="replace") as f:
                attached = f.read().count(" attached")
            if attached >= len(pids) or st.poll() is not None:
                break
            time.sleep(0.1)
        if st.poll() is not None or attached < len(pids):
            raise BenchError("strace could not attach to %s:\n%s" % (target, tail(err_path)))
        self.commands["strace-" + target] = shlex.join(argv)
        time.sleep(0.5)
        t0 = time.monotonic()
        self.sequential(target, n)
        elapsed = time.monotonic() - t0
        time.sleep(0.3)
        st.send_signal(signal.SIGINT)
        try:
            st.wait(timeout=20)
        except subprocess.TimeoutExpired:
            st.kill()
            st.wait()
        counts, errors = parse_strace(out)
        if not counts:
            raise BenchError("no strace summary for %s:\n%s" % (target, tail(err_path)))
        return {"counts": counts, "errors": errors, "threads": threads, "seconds": elapsed}

    def cpu_per_connection(self, target, seconds):
        pids = process_tree(self.proc[target].pid)
        before = cpu_ticks(pids)
        res = self.wrk(target, seconds, 32, close=True)
        after = cpu_ticks(pids)
        hz = os.sysconf("SC_CLK_TCK")
        n = res["requests"]
        return {"user_us": (after[0] - before[0]) / hz / n * 1e6, "sys_us": (after[1] - before[1]) / hz / n * 1e6,
                "requests": n, "rps": res["rps"]}


def cpu_stat():
    """Per CPU, from /proc/stat (clock ticks): time in tasks (user, nice, system), steal, and all of it."""
    out = {}
    with open("/proc/stat") as f:
        for line in f:
            m = re.match(r"^cpu(\d+)\s+(.*)$", line)
            if m:
                v = [int(x) for x in m.group(2).split()]
                v += [0] * (8 - len(v))
                out[int(m.group(1))] = {"tasks": v[0] + v[1] + v[2], "steal": v[7], "total": sum(v[:8])}
    return out


def busy_processes(exclude, seconds=1.0, threshold=0.2):
    """Processes (other than this one and its children) using more than threshold of a CPU over a second."""
    def sample():
        out = {}
        for d in os.listdir("/proc"):
            if d.isdigit() and int(d) != exclude:
                try:
                    with open("/proc/%s/stat" % d) as f:
                        text = f.read()
                    name = text[text.index("(") + 1:text.rindex(")")]
                    fields = text.rsplit(")", 1)[1].split()
                    out[int(d)] = (name, int(fields[11]) + int(fields[12]))
                except (OSError, ValueError, IndexError):
                    pass
        return out
    before = sample()
    time.sleep(seconds)
    after = sample()
    hz = os.sysconf("SC_CLK_TCK")
    busy = []
    for pid, (name, ticks) in after.items():
        if pid in before and (ticks - before[pid][1]) / hz / seconds > threshold:
            busy.append("%s (pid %d, %.0f%%)" % (name, pid, 100 * (ticks - before[pid][1]) / hz / seconds))
    return busy


def tasks(pid):
    try:
        return [int(t) for t in os.listdir("/proc/%d/task" % pid)]
    except OSError:
        return []


def process_tree(root):
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_ticks(pids):
    user = system = 0
    for pid in pids:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        user += int(fields[11])
        system += int(fields[12])
    return user, system


_STRACE_LINE = re.compile(r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:(\d+)\s+)?([a-z_0-9]+)\s*$")


def parse_strace(path):
    """strace -c's summary: {syscall: calls} and {syscall: calls that failed}."""
    counts, errors = {}, {}
    try:
        with open(path) as f:
            for line in f:
                m = _STRACE_LINE.match(line)
                if m and m.group(3) != "total":
                    counts[m.group(3)] = counts.get(m.group(3), 0) + int(m.group(1))
                    if m.group(2):
                        errors[m.group(3)] = errors.get(m.group(3), 0) + int(m.group(2))
    except OSError:
        pass
    return counts, errors


# ---------------------------------------------------------------------------------------------------------------
# Reporting

def noise_note(m):
    """What else ran during a target's measurements, when it is enough to matter."""
    notes = []
    if m.get("others_cpu_s", 0) >= 0.05:
        notes.append("idle proxies used %.2f s of CPU" % m["others_cpu_s"])
    if m.get("foreign", 0) >= 0.02:
        notes.append("other programs took up to %.0f%% of the proxy CPU" % (100 * m["foreign"]))
    for key, which in (("steal_proxy_cpu", "proxy"), ("steal_load_cpu", "load")):
        if m.get(key, 0) >= 0.02:
            notes.append("the hypervisor stole up to %.0f%% of the %s CPU" % (100 * m[key], which))
    return "  (%s)" % "; ".join(notes) if notes else ""


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def ratios(rounds, target, base, metric):
    out = []
    for r in rounds:
        a, b = r.get(target, {}).get(metric), r.get(base, {}).get(metric)
        if a is not None and b:
            out.append(a / b)
    return median(out)


def fmt(v, kind):
    if v is None:
        return "-"
    if kind == "bulk":
        return "%.2f" % v
    if kind in ("new", "ka"):
        return "{:,.0f}".format(v)
    if kind == "p99":
        return "%.2f" % v
    return "%.2f" % v


def summary(args, rounds):
    metrics = [m for m in METRICS if args.bulk or m != "bulk"]
    names = {"bulk": "bulk", "new": "new", "ka": "ka", "p99": "p99"}
    head = {"bulk": "bulk Gbit/s", "new": "new conn/s", "ka": "keep-alive req/s", "p99": "keep-alive p99 ms"}
    vs = " / ".join(names[m] for m in metrics)
    lines = ["| | " + " | ".join(head[m] for m in metrics) + " | vs HAProxy: %s | vs direct: %s |" % (vs, vs),
             "|---|" + "---:|" * len(metrics) + "---|---|"]
    med = {}
    for t in args.targets:
        med[t] = {m: median([r[t].get(m) for r in rounds if t in r]) for m in metrics}
        cells = [fmt(med[t][m], m) for m in metrics]
        vh = " / ".join(fmt(ratios(rounds, t, "haproxy", m), "r") for m in metrics) \
            if "haproxy" in args.targets else "-"
        vd = " / ".join(fmt(ratios(rounds, t, "direct", m), "r") for m in metrics) \
            if "direct" in args.targets else "-"
        lines.append("| %s | %s | %s | %s |" % (LABELS[t], " | ".join(cells), vh, vd))
    return "\n".join(lines), med


def syscall_table(sc):
    targets = [t for t in PROXIES if t in sc]
    per = {t: {k: v / sc[t]["n"] for k, v in sc[t]["counts"].items()} for t in targets}
    failed = {t: {k: v / sc[t]["n"] for k, v in sc[t].get("errors", {}).items()} for t in targets}

    def cell(t, names, by_name):
        v = sum(per[t].get(n, 0.0) for n in names)
        f = sum(failed[t].get(n, 0.0) for n in names)
        parts = ["%s %.1f" % (n, per[t][n]) for n in names if per[t].get(n, 0) >= 0.05] if by_name else []
        if f >= 0.05:
            parts.append("%.1f failed" % f)
        return "%.2f%s" % (v, " (%s)" % ", ".join(parts) if parts else "")

    lines = ["| syscalls per connection | " + " | ".join(LABELS[t] for t in targets) + " |",
             "|---|" + "---:|" * len(targets)]
    lines.append("| **total** | " + " | ".join("**%.1f**" % sum(per[t].values()) for t in targets) + " |")
    grouped = set()
    for label, names in SYSCALL_GROUPS:
        grouped.update(names)
        lines.append("| %s | %s |" % (label, " | ".join(cell(t, names, label == "read/write") for t in targets)))
    others = {}
    for t in targets:
        for k, v in per[t].items():
            if k not in grouped:
                others.setdefault(k, {})[t] = v
    rest = {t: 0.0 for t in targets}
    for k, vals in sorted(others.items(), key=lambda kv: -max(kv[1].values())):
        if max(vals.values()) >= 0.05:
            lines.append("| %s | %s |" % (k, " | ".join(cell(t, (k,), False) for t in targets)))
        else:
            for t in targets:
                rest[t] += vals.get(t, 0.0)
    lines.append("| other | %s |" % " | ".join("%.2f" % rest[t] for t in targets))
    threads = " | ".join("%d thread%s, %.1f s" % (sc[t]["threads"], "" if sc[t]["threads"] == 1 else "s",
                                                   sc[t]["seconds"]) for t in targets)
    lines.append("| (traced: threads, time) | %s |" % threads)
    return "\n".join(lines)


def cpu_table(cpu):
    targets = [t for t in PROXIES if t in cpu]
    lines = ["| CPU per connection | user µs | system µs | total µs | requests (new conn/s) |",
             "|---|---:|---:|---:|---:|"]
    for t in targets:
        c = cpu[t]
        lines.append("| %s | %.1f | %.1f | %.1f | {:,} ({:,.0f}/s) |".format(c["requests"], c["rps"])
                     % (LABELS[t], c["user_us"], c["sys_us"], c["user_us"] + c["sys_us"]))
    return "\n".join(lines)


def scan_nlb4j_log(path):
    """WARN/ERROR lines and exceptions in nlb4j's log, grouped by their text without numbers."""
    found = {}
    try:
        with open(path, errors="replace") as f:
            for line in f:
                if re.search(r"\b(WARN|ERROR)\b|Exception|Error:", line):
                    key = re.sub(r"\d+", "N", line.strip())[:200]
                    count, first = found.get(key, (0, line.strip()))
                    found[key] = (count + 1, first)
    except OSError:
        pass
    return found


# ---------------------------------------------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="benchmarks/load/run.sh",
        description="Side-by-side load benchmark: nlb4j, HAProxy and nginx stream (and a direct connection) "
                    "on one pinned CPU each, interleaved rounds, medians and ratios.")
    p.add_argument("--rounds", type=int, default=5, help="measured rounds after the warm-up (default 5)")
    p.add_argument("--seconds", type=int, default=5, help="seconds per measurement (default 5)")
    p.add_argument("--warmup-seconds", type=int, help="seconds per warm-up measurement (default: twice --seconds)")
    p.add_argument("--only", default=",".join(TARGETS),
                   help="comma-separated targets among %s (default all)" % ",".join(TARGETS))
    p.add_argument("--jar", default=DEFAULT_JAR, help="the nlb4j runner jar (default samples/target/nlb4j.jar)")
    p.add_argument("--quick", action="store_true", help="a smoke run: 2 rounds of 2 s, 500 traced connections")
    p.add_argument("--check", action="store_true",
                   help="exit 1 unless nlb4j meets its targets against HAProxy (needs both in --only)")
    p.add_argument("--no-bulk", dest="bulk", action="store_false", help="skip the iperf3 bulk measurement")
    p.add_argument("--no-per-connection", dest="per_connection", action="store_false",
                   help="skip the syscall and CPU per connection measurements")
    p.add_argument("--syscall-connections", type=int, default=2000,
                   help="sequential connections traced with strace (default 2000)")
    p.add_argument("--load-cpu", type=int, default=0, help="CPU of backends and load generators (default 0)")
    p.add_argument("--proxy-cpu", type=int, default=1, help="CPU of every proxy (default 1)")
    p.add_argument("--base-port", type=int, default=21000, help="first port tried (default 21000)")
    p.add_argument("--pause", type=float, default=0.5,
                   help="least seconds between measurements; the benchmark also waits (up to 20 s) until no proxy "
                        "uses CPU (default 0.5)")
    p.add_argument("--start-timeout", type=int, default=90, help="seconds a proxy has to start (default 90)")
    p.add_argument("--json", metavar="FILE", help="also write every measurement to FILE")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory with configs and logs")
    a = p.parse_args(argv)
    if a.quick:
        a.rounds, a.seconds = 2, 2
        if a.syscall_connections == 2000:
            a.syscall_connections = 500
    if a.warmup_seconds is None:
        a.warmup_seconds = 2 * a.seconds
    a.targets = [t.strip() for t in a.only.split(",") if t.strip()]
    unknown = [t for t in a.targets if t not in TARGETS]
    if unknown or not a.targets:
        p.error("--only: %s (expected: a comma-separated list of %s)" % (",".join(unknown) or "empty",
                                                                         ", ".join(TARGETS)))
    a.targets = [t for t in TARGETS if t in a.targets]  # canonical order, each once
    if a.rounds < 1 or a.seconds < 1 or a.warmup_seconds < 0 or a.syscall_connections < 1:
        p.error("--rounds, --seconds and --syscall-connections must be at least 1")
    if a.check and not {"haproxy", "nlb4j"} <= set(a.targets):
        p.error("--check compares nlb4j with HAProxy: --only must include both")
    a.jar = os.path.abspath(a.jar)
    return a


def run(args, procs, tmp):
    module = check_tools(args)
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ImportError, ValueError, OSError):
        pass
    os.sched_setaffinity(0, {args.load_cpu})  # this script and whatever it starts, unless told otherwise

    b = Bench(args, procs, tmp)
    log("nlb4j load benchmark: %s; %d rounds of %d s after a %d s warm-up round; proxies on CPU %d, "
        "backends and load on CPU %d" % (", ".join(args.targets), args.rounds, args.seconds, args.warmup_seconds,
                                         args.proxy_cpu, args.load_cpu))
    log("machine: %s, %d CPUs, %s" % (os.uname().machine, os.cpu_count(), os.uname().release))
    for k, v in versions(args).items():
        log("  %-8s %s" % (k, v))
    busy = busy_processes(exclude=os.getpid())
    if busy:
        log("warning: other programs are using CPU, figures will be noisy: %s" % ", ".join(busy))
    log("configs and logs: %s" % tmp)
    b.start(module)
    for name in b.commands:
        log("  %-14s %s" % (name, b.commands[name]))
    log("ports: backends %s, iperf3 %s; %s" % (b.backends, b.iperf_port if args.bulk else "-", ", ".join(
        "%s http %d bulk %d" % (t, b.http_port[t], b.bulk_port[t]) for t in args.targets if t in PROXIES)))
    log()

    rounds = []
    for r in range(-1, args.rounds):
        seconds = args.warmup_seconds if r < 0 else args.seconds
        if seconds == 0:
            continue
        k = max(r, 0) % len(args.targets)
        order = args.targets[k:] + args.targets[:k]
        result = {}
        for t in order:
            m = b.measure(t, seconds)
            result[t] = m
            log("%-8s %-13s %s" % ("warm-up" if r < 0 else "round %d" % (r + 1), LABELS[t], "  ".join(
                "%s %s" % (name, fmt(m.get(key), key)) for key, name in
                (("bulk", "bulk Gbit/s"), ("new", "new/s"), ("ka", "ka/s"), ("p99", "p99 ms")) if key in m)
                + noise_note(m)))
        if r >= 0:
            rounds.append(result)

    table, med = summary(args, rounds)
    log()
    log("Medians over %d rounds of %d s (ratios: median of per-round ratios):" % (args.rounds, args.seconds))
    log()
    log(table)
    errs = {t: e for t, e in b.errors.items() if any(e.values())}
    log()
    if errs:
        log("client-side errors (wrk socket errors and non-2xx responses, iperf3 retries), all rounds:")
        for t, e in errs.items():
            log("  %s: %s" % (LABELS[t], ", ".join("%s %d" % kv for kv in sorted(e.items()) if kv[1])))
    else:
        log("no client-side errors (wrk socket errors, non-2xx responses, iperf3 retries) in any round")
    spent = {t: v for t, v in b.interference.items() if v >= 0.05}
    if spent:
        log("CPU used by the proxies not being measured, during the measurements of (all rounds): %s" % ", ".join(
            "%s %.2f s" % (LABELS[t], v) for t, v in spent.items()))
    else:
        log("the proxies not being measured stayed idle (under 0.05 s of CPU in all) during every measurement")
    worst = {k: max((r[t].get(k, 0.0) for r in rounds for t in r), default=0.0)
             for k in ("foreign", "steal_proxy_cpu", "steal_load_cpu")}
    log("during the measured rounds, at worst: other programs took %.1f%% of the proxy CPU; the hypervisor stole "
        "%.1f%% of the proxy CPU and %.1f%% of the load CPU%s" % (
            100 * worst["foreign"], 100 * worst["steal_proxy_cpu"], 100 * worst["steal_load_cpu"],
            "; figures from noisy rounds are less reliable" if max(worst.values()) >= 0.05 else ""))

    sc, cpu = {}, {}
    proxies = [t for t in PROXIES if t in args.targets]
    if args.per_connection and proxies:
        for t in proxies:
            b.settle()
            res = b.syscalls(t, args.syscall_connections)
            res["n"] = args.syscall_connections
            sc[t] = res
            b.assert_alive()
        log()
        log("System calls per proxied connection (%d sequential HTTP/1.1 `Connection: close` requests, "
            "strace -c -f on every thread of the proxy):" % args.syscall_connections)
        log()
        log(syscall_table(sc))
        for t in proxies:
            b.settle()
            cpu[t] = b.cpu_per_connection(t, args.seconds)
            b.assert_alive()
        log()
        log("CPU per proxied connection (utime/stime of the proxy's processes over a %d s wrk run, 32 "
            "connections, `Connection: close`, divided by wrk's request count):" % args.seconds)
        log()
        log(cpu_table(cpu))

    failed = []
    if "haproxy" in args.targets and "nlb4j" in args.targets:
        goals = [("new", "new connections/s", ">=", 1.0), ("ka", "keep-alive requests/s", ">=", 1.0),
                 ("p99", "keep-alive p99 latency", "<=", 1.0)]
        if args.bulk:
            goals.append(("bulk", "bulk throughput", ">=", 1.2))
        log()
        log("Targets for nlb4j (median ratio to HAProxy):")
        for key, what, op, bound in goals:
            v = ratios(rounds, "nlb4j", "haproxy", key)
            ok = v is not None and (v >= bound if op == ">=" else v <= bound)
            log("  %-6s %-24s %s %.1f: %s" % ("met" if ok else "MISSED", what, op, bound,
                                              "-" if v is None else "%.3f" % v))
            if not ok:
                failed.append(what)
        if sc.get("nlb4j") and sc.get("haproxy"):
            mine = sum(sc["nlb4j"]["counts"].values()) / sc["nlb4j"]["n"]
            theirs = sum(sc["haproxy"]["counts"].values()) / sc["haproxy"]["n"]
            ok = mine <= theirs
            log("  %-6s %-24s <= HAProxy's: %.1f vs %.1f" % ("met" if ok else "MISSED", "syscalls per connection",
                                                             mine, theirs))
            if not ok:
                failed.append("syscalls per connection")

    if "nlb4j" in args.targets:
        found = scan_nlb4j_log(b.logs["nlb4j"])
        log()
        if found:
            log("nlb4j's log has %d warning or error lines:" % sum(c for c, _ in found.values()))
            for count, first in sorted(found.values(), key=lambda cf: -cf[0])[:10]:
                log("  %6d x %s" % (count, first[:240]))
        else:
            log("nlb4j's log has no warning or error lines")

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"targets": args.targets, "rounds": rounds, "medians": med, "errors": b.errors,
                       "interference_cpu_s": b.interference,
                       "syscalls": sc, "cpu": cpu, "commands": b.commands, "seconds": args.seconds,
                       "date": time.strftime("%Y-%m-%d %H:%M:%S %z")}, f, indent=1)
    if args.check and failed:
        log()
        log("--check: %d target(s) missed: %s" % (len(failed), ", ".join(failed)))
        return 1
    return 0


def main(argv):
    args = parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="nlb4j-load-")
    os.chmod(tmp, 0o755)
    procs = Procs()

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    rc, keep = 1, args.keep
    try:
        rc = run(args, procs, tmp)
    except KeyboardInterrupt:
        log("\ninterrupted; stopping everything")
        rc, keep = 130, True
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else 1
        keep = keep or rc not in (0, 2)
    except BenchError as e:
        log("bench: %s" % e)
        rc, keep = 1, True
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        procs.stop_all()
        if keep:
            log("configs and logs kept in %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
