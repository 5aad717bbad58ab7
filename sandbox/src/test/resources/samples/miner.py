#!/usr/bin/env python3
"""Test sample: looks like a crypto miner. It announces itself to a pool and then burns CPU
(bounded: it stops after 20 seconds whatever happens)."""
import hashlib
import socket
import time

POOL = "stratum+tcp://pool.minexmr-example.com:3333"
try:
    s = socket.create_connection(("pool.minexmr-example.com", 3333), timeout=2)
    s.sendall(b'{"id":1,"method":"login","params":{"login":"wallet","agent":"xmrig/6.0"}}\n')
    s.close()
except OSError:
    pass
deadline = time.time() + 20
nonce = 0
while time.time() < deadline:
    hashlib.sha256(nonce.to_bytes(8, "little")).digest()
    nonce += 1
