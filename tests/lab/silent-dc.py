#!/usr/bin/python3
# tests/lab/silent-dc.py - DCs that never answer (FIELD-NOTES section 11).
#
# Usage: silent-dc.py ADDRESS...   (run inside the lab's netns)
#
# On each address: accept TCP on every DC port, read whatever arrives and
# never write; bind the UDP ports and never answer.  That is a DC behind a
# firewall that drops replies, or a hung one: the connection works, the
# answer never comes.  Runs until killed.
import selectors
import socket
import sys

TCP_PORTS = (53, 88, 135, 139, 389, 445, 464, 636, 3268)
UDP_PORTS = (53, 88, 389, 464)


def listen(addresses):
    sel = selectors.DefaultSelector()
    for addr in addresses:
        for port in TCP_PORTS:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((addr, port))
            s.listen(64)
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ, "accept")
        for port in UDP_PORTS:
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.bind((addr, port))
            u.setblocking(False)
            sel.register(u, selectors.EVENT_READ, "drop")
    return sel


def serve(sel):
    while True:
        for key, _ in sel.select():
            sock = key.fileobj
            if key.data == "accept":
                try:
                    conn, _ = sock.accept()
                except OSError:
                    continue
                conn.setblocking(False)
                sel.register(conn, selectors.EVENT_READ, "read")
                continue
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            if key.data == "read" and not data:
                sel.unregister(sock)
                sock.close()


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: silent-dc.py ADDRESS...")
    sel = listen(sys.argv[1:])
    print("silent-dc: listening on %s" % " ".join(sys.argv[1:]), flush=True)
    serve(sel)


if __name__ == "__main__":
    main()
