#!/usr/bin/env python3
"""Prints COUNT distinct loopback ports (default 1) that were free a moment ago, one per line.

A port held across several processes (a server's profile names it, then each run binds it) must not
be one the kernel hands out: while it is released between two runs, any parallel test's bind to
port 0, or any outgoing connection, may take an ephemeral port. So the ports are drawn at random
below the ephemeral range, where only a test naming the same number could collide.
"""
import random
import socket
import sys


def ephemeral_low():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_ports(count):
    high = max(ephemeral_low() - 1, 2048)
    low = 1024 if high < 11024 else 10000
    chosen = []
    for _ in range(2000):
        port = random.randint(low, high)
        if port in chosen:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        chosen.append(port)
        if len(chosen) == count:
            return chosen
    sys.exit(f"free_port.py: found only {len(chosen)} free ports in {low}-{high}")


if __name__ == "__main__":
    for port in free_ports(int(sys.argv[1]) if len(sys.argv) > 1 else 1):
        print(port)
