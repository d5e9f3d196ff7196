"""Caravan link emulator: relays Ethernet frames between two interfaces, holding each one for a one-way delay.

usage: python3 link_emulator.py IFACE_A IFACE_B DELAY_US

Frames read from IFACE_A are sent out of IFACE_B DELAY_US microseconds later, and the other way round.
Each direction is a FIFO: a frame never overtakes an earlier one, also when the delay changes.
The sockets use PACKET_VNET_HDR, so TSO/GSO super-frames and partial checksums pass through as they
are (the kernel segments them where it must); no offload needs to be switched off.

stdin carries commands, one per line: "delay US" changes the delay for frames read from now on.
The emulator exits when stdin reaches end of file (its parent died or closed it), or when an
interface disappears. It prints "ready" on stdout once both sockets are bound.
"""
import collections
import errno
import os
import select
import socket
import sys
import time

SOL_PACKET = 263
PACKET_VNET_HDR = 15
PACKET_IGNORE_OUTGOING = 23
SO_RCVBUFFORCE = 33
SO_SNDBUFFORCE = 32
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
FRAME_BUFFER_BYTES = 256 * 1024
SOCKET_BUFFER_BYTES = 16 * 1024 * 1024
BATCH_FRAMES = 256


def open_socket(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    s.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
    s.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, SOCKET_BUFFER_BYTES)
    s.setsockopt(socket.SOL_SOCKET, SO_SNDBUFFORCE, SOCKET_BUFFER_BYTES)
    s.bind((ifname, ETH_P_ALL))
    return s


def main():
    if len(sys.argv) != 4:
        sys.stderr.write("usage: link_emulator.py IFACE_A IFACE_B DELAY_US\n")
        return 2
    a = open_socket(sys.argv[1])
    b = open_socket(sys.argv[2])
    delay = int(sys.argv[3]) / 1e6
    # frames waiting to go out of the other socket: (due time, frame)
    pending = {a.fileno(): collections.deque(), b.fileno(): collections.deque()}
    last_due = {a.fileno(): 0.0, b.fileno(): 0.0}
    peer = {a.fileno(): b, b.fileno(): a}
    sockets = {a.fileno(): a, b.fileno(): b}
    stdin = sys.stdin.fileno()
    poller = select.poll()
    poller.register(a.fileno(), select.POLLIN)
    poller.register(b.fileno(), select.POLLIN)
    poller.register(stdin, select.POLLIN)
    buf = bytearray(FRAME_BUFFER_BYTES)
    view = memoryview(buf)
    commands = b""
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        now = time.monotonic()
        next_due = None
        for fd, queue in pending.items():
            out = peer[fd]
            while queue and queue[0][0] <= now:
                frame = queue.popleft()[1]
                try:
                    out.send(frame)
                except OSError as e:
                    # a full qdisc (tbf) or a link that is down drops the frame, as a wire would
                    if e.errno in (errno.ENXIO, errno.ENODEV):
                        return 0
            if queue and (next_due is None or queue[0][0] < next_due):
                next_due = queue[0][0]
        timeout_ms = None if next_due is None else max(0, (next_due - now) * 1000.0)
        if timeout_ms is not None and timeout_ms > 0 and timeout_ms < 1:
            timeout_ms = 1
        for fd, event in poller.poll(None if timeout_ms is None else int(timeout_ms + 0.999)):
            if fd == stdin:
                chunk = os.read(stdin, 4096)
                if not chunk:
                    return 0
                commands += chunk
                while b"\n" in commands:
                    line, commands = commands.split(b"\n", 1)
                    words = line.split()
                    if len(words) == 2 and words[0] == b"delay":
                        delay = int(words[1]) / 1e6
                continue
            if event & select.POLLNVAL:
                return 0
            s = sockets[fd]
            queue = pending[fd]
            received = time.monotonic()
            for _ in range(BATCH_FRAMES):
                try:
                    n, address = s.recvfrom_into(buf, FRAME_BUFFER_BYTES, socket.MSG_DONTWAIT)
                except BlockingIOError:
                    break
                except OSError as e:
                    if e.errno == errno.ENETDOWN:
                        break  # the link was cut (set down); the socket resumes when it is up again
                    if e.errno in (errno.ENXIO, errno.ENODEV):
                        return 0  # the interface is gone
                    raise
                if address[2] == PACKET_OUTGOING:
                    continue
                due = max(received + delay, last_due[fd])
                last_due[fd] = due
                queue.append((due, bytes(view[:n])))


if __name__ == "__main__":
    sys.exit(main())
