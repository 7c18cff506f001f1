#!/usr/bin/env python3
"""TEST-ONLY stand-in for systemd, for machines where systemd is not PID 1 (containers, CI).

It reads the unit files the Ansible roles wrote and runs their commands as systemd would: ExecStart (and ExecStop),
as the unit's User and Group, with its EnvironmentFile and Environment, in its WorkingDirectory; Type=forking waits for
the PIDFile. It does not sandbox, restart on failure, or order units. Never use it in production: use systemd.

  unitctl.py --state DIR start UNIT_FILE [INSTANCE]
  unitctl.py --state DIR stop|status UNIT_FILE [INSTANCE]
Prints "started", "already running", "stopped", "not running" or "running"; exits 1 when a start fails.
"""
import argparse, grp, os, pwd, re, shlex, signal, subprocess, sys, time


def parse(path, instance):
    service, section = {}, None
    for raw in open(path, encoding="utf-8"):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        if section != "Service" or "=" not in line:
            continue
        k, v = line.split("=", 1)
        v = v.replace("%i", instance or "").replace("%I", (instance or "").replace("-", "/"))
        service.setdefault(k.strip(), []).append(v.strip())
    return service


def env_of(svc):
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
    for f in svc.get("EnvironmentFile", []):
        optional = f.startswith("-")
        f = f.lstrip("-")
        if not os.path.exists(f) and optional:
            continue
        for line in open(f, encoding="utf-8"):
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                env[k.strip()] = v.strip().strip('"')
    for e in svc.get("Environment", []):
        for kv in shlex.split(e):
            k, v = kv.split("=", 1)
            env[k] = v
    return env


def command(line):
    # systemd's prefixes: '-' ignore failure, '@' argv0, '+'/'!' privileges (ignored here)
    ignore = False
    while line and line[0] in "-@+!:":
        ignore |= line[0] == "-"
        line = line[1:]
    return shlex.split(line), ignore


def demote(svc):
    user = (svc.get("User") or [None])[-1]
    group = (svc.get("Group") or [None])[-1]
    def run():
        os.setsid()
        os.umask(int((svc.get("UMask") or ["0022"])[-1], 8))
        if user:
            pw = pwd.getpwnam(user)
            gid = grp.getgrnam(group).gr_gid if group else pw.pw_gid
            os.setgroups([])
            os.setgid(gid)
            os.setuid(pw.pw_uid)
    return run, user


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is not running
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--state", required=True)
    ap.add_argument("action", choices=["start", "stop", "status"])
    ap.add_argument("unit")
    ap.add_argument("instance", nargs="?")
    a = ap.parse_args()
    os.makedirs(a.state, exist_ok=True)
    name = os.path.basename(a.unit).replace("@.service", "@" + (a.instance or "") + ".service")
    pidfile = os.path.join(a.state, name + ".pid")
    svc = parse(a.unit, a.instance)
    pid = int(open(pidfile).read()) if os.path.exists(pidfile) else None
    running = pid is not None and alive(pid)

    if a.action == "status":
        print("running" if running else "not running")
        return 0 if running else 3
    if a.action == "start":
        if running:
            print("already running")
            return 0
        env, (argv, ignore) = env_of(svc), command(svc["ExecStart"][-1])
        preexec, user = demote(svc)
        cwd = (svc.get("WorkingDirectory") or ["/"])[-1].lstrip("-")
        log = open(os.path.join(a.state, name + ".log"), "ab")
        kind = (svc.get("Type") or ["simple"])[-1]
        p = subprocess.Popen(argv, env=env, cwd=cwd, preexec_fn=preexec, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        if kind == "forking":
            rc = p.wait()
            if rc != 0 and not ignore:
                print(f"{name}: ExecStart exited {rc}", file=sys.stderr)
                return 1
            pf = svc["PIDFile"][-1]
            for _ in range(300):
                if os.path.exists(pf):
                    break
                time.sleep(0.1)
            pid = int(open(pf).read().split()[0])
        else:
            time.sleep(0.5)
            if p.poll() is not None:
                print(f"{name}: ExecStart exited {p.returncode} at once; see {log.name}", file=sys.stderr)
                return 1
            pid = p.pid
        open(pidfile, "w").write(str(pid))
        print("started")
        return 0
    # stop
    if not running:
        print("not running")
        return 0
    timeout = float(re.sub(r"[^0-9.]", "", (svc.get("TimeoutStopSec") or ["90"])[-1]) or 90)
    if svc.get("ExecStop"):
        argv, _ = command(svc["ExecStop"][-1])
        preexec, _ = demote(svc)
        subprocess.run(argv, env=env_of(svc), preexec_fn=preexec, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        try:
            os.killpg(os.getpgid(pid), signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.time() + min(timeout, 120)
    while alive(pid) and time.time() < deadline:
        time.sleep(0.2)
    if alive(pid):
        try:
            os.killpg(os.getpgid(pid), signal.SIGKILL)
        except ProcessLookupError:
            pass
    os.remove(pidfile)
    print("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
