"""The relay of a preview network (run as a script inside that network namespace).

    python3 -I -S relay.py <socket path>

The programs of a local preview (emulator, app servers) listen on 127.0.0.1 of a network namespace of
their own, which nothing of the host can reach. This relay lives in that namespace and listens on a unix
socket whose file is in the run's workspace: the certifier connects to the file from the host. Each
connection starts with one line, the port (ASCII digits, then a newline); the relay connects to
127.0.0.1:<port> *inside* the namespace, answers one byte (0: connected, 1: could not) and then copies
bytes both ways until both sides are done.

It only carries connections from the host to the inside. It never connects anywhere but 127.0.0.1 of
its own namespace, which has no route out, and connector code can neither see its socket file (it is not
in any connector's mount namespace) nor signal it (another PID namespace). It stops when its stdin
closes: the certifier closed it, or died. It imports only the standard library and nothing of certifier.
"""

import os
import socket
import sys
import threading

HEADER_MAX = 6  # "65535\n"
CONNECT_TIMEOUT_S = 5.0
CLOSE_GRACE_S = 5.0
CONNECTED, REFUSED = b"\x00", b"\x01"


def main() -> int:
    path = sys.argv[1]
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    os.chmod(path, 0o600)
    listener.listen(128)
    threading.Thread(target=_exit_at_eof, daemon=True).start()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        client, _ = listener.accept()
        threading.Thread(target=_serve, args=(client,), daemon=True).start()


def _exit_at_eof() -> None:
    while sys.stdin.buffer.read(4096):
        pass
    os._exit(0)


def _serve(client: socket.socket) -> None:
    inside = None
    try:
        client.settimeout(CONNECT_TIMEOUT_S)
        port = _read_port(client)
        try:
            inside = socket.create_connection(("127.0.0.1", port), timeout=CONNECT_TIMEOUT_S) if port else None
        except OSError:
            inside = None
        client.sendall(CONNECTED if inside else REFUSED)
        if inside is None:
            return
        client.settimeout(None)
        inside.settimeout(None)
        back = threading.Thread(target=_copy, args=(inside, client), daemon=True)
        back.start()
        _copy(client, inside)
        back.join(CLOSE_GRACE_S)  # the certifier is done: the app has a moment to finish its side
    except OSError:
        pass
    finally:
        for end in (client, inside):
            if end is not None:
                _close(end)


def _read_port(client: socket.socket) -> int | None:
    """The port of the header line, or None when it is not one (read a byte at a time: nothing past it)."""
    header = b""
    while not header.endswith(b"\n"):
        byte = client.recv(1)
        if not byte or len(header) >= HEADER_MAX:
            return None
        header += byte
    digits = header[:-1]
    if not digits.isdigit():
        return None
    port = int(digits)
    return port if 0 < port < 65536 else None


def _copy(source: socket.socket, target: socket.socket) -> None:
    """Bytes from source to target until source is done; then tell target no more is coming."""
    try:
        while True:
            chunk = source.recv(65536)
            if not chunk:
                break
            target.sendall(chunk)
    except OSError:
        pass
    try:
        target.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def _close(end: socket.socket) -> None:
    try:
        end.shutdown(socket.SHUT_RDWR)  # wakes a copy still blocked in recv (close alone would not)
    except OSError:
        pass
    end.close()


if __name__ == "__main__":
    sys.exit(main())
