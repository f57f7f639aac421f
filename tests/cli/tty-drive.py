#!/usr/bin/python3
"""tty-drive.py - run a command on a pseudo-terminal and answer its prompts.

usage: tty-drive.py TRANSCRIPT -- COMMAND [ARGS...]

Arguments after TRANSCRIPT are pairs EXPECT SEND: wait until the terminal
shows EXPECT, then type SEND and a newline.  Everything the terminal shows
is written to TRANSCRIPT.  Exits with the command's exit status, or 98 when
an expected prompt does not appear within 20 seconds.
"""
import os
import pty
import select
import sys
import time


def main():
    transcript = sys.argv[1]
    sep = sys.argv.index("--")
    pairs = sys.argv[2:sep]
    cmd = sys.argv[sep + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    seen = b""
    status = None
    deadline = time.time() + 20
    for i in range(0, len(pairs), 2):
        want, send = pairs[i].encode(), pairs[i + 1].encode()
        while want not in seen:
            if time.time() > deadline:
                open(transcript, "wb").write(seen)
                os.kill(pid, 9)
                sys.exit(98)
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    break
                seen += chunk
        seen = seen.replace(want, b"<" + want + b">", 1)
        time.sleep(0.05)
        os.write(fd, send + b"\n")
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    _, status = os.waitpid(pid, 0)
    open(transcript, "wb").write(seen)
    sys.exit(os.waitstatus_to_exitcode(status))


main()
