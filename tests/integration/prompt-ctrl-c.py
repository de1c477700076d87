#!/usr/bin/python3
"""prompt-ctrl-c.py CMD...: run CMD on a new pseudo-terminal inside
`sh -c 'trap : INT; CMD; stty -a'`, wait for its "Password for" prompt,
note whether echo is off there, press Ctrl-C and print one line:
"prompt=yes|no echo-at-prompt=off|on after=echo|-echo"."""
import os
import pty
import re
import sys
import termios
import time

pid, fd = pty.fork()
if pid == 0:
    os.execvp('sh', ['sh', '-c', 'trap : INT; "$@"; stty -a', 'sh'] + sys.argv[1:])
buf = b''
deadline = time.time() + 60
while b'Password for' not in buf and time.time() < deadline:
    try:
        buf += os.read(fd, 4096)
    except OSError:
        break
prompt = b'Password for' in buf
time.sleep(0.3)
at_prompt = 'on' if termios.tcgetattr(fd)[3] & termios.ECHO else 'off'
os.write(fd, b'\x03')
out = b''
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
os.waitpid(pid, 0)
m = re.search(rb'(?<![\w-])(-?echo)(?![\w])', out)
print('prompt=%s echo-at-prompt=%s after=%s' % (
    'yes' if prompt else 'no', at_prompt,
    m.group(1).decode() if m else 'unknown'))
