"""A stand-in for Slack's Socket Mode WebSocket endpoint, enough for one client.

It does the RFC 6455 handshake, sends envelopes as text frames, answers pings, and
collects the client's acknowledgements, so `baton socket` can be driven end to end.
"""

from __future__ import annotations

import base64
import hashlib
import json
import queue
import socket
import struct
import threading
from typing import Any

_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


class SocketModeServer:
    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self.url = f"ws://127.0.0.1:{self.port}/link/?ticket=test"
        self.acks: queue.Queue[dict[str, Any]] = queue.Queue()
        self._client: socket.socket | None = None
        self._connected = threading.Event()
        self._send_lock = threading.Lock()
        threading.Thread(target=self._serve, name="socket-mode-standin", daemon=True).start()

    def wait_connected(self, timeout: float = 30.0) -> None:
        if not self._connected.wait(timeout):
            raise AssertionError("no Socket Mode client connected")

    def send(self, envelope: dict[str, Any]) -> None:
        assert self._client is not None
        self._send_frame(TEXT, json.dumps(envelope).encode())

    def ack_for(self, envelope_id: str, timeout: float = 30.0) -> dict[str, Any]:
        while True:
            ack = self.acks.get(timeout=timeout)
            if ack.get("envelope_id") == envelope_id:
                return ack

    def close(self) -> None:
        self._listener.close()
        if self._client is not None:
            self._client.close()

    # --- the connection ------------------------------------------------------------------

    def _serve(self) -> None:
        try:
            client, _ = self._listener.accept()
        except OSError:
            return
        self._client = client
        request = b""
        while b"\r\n\r\n" not in request:
            request += client.recv(4096)
        key = next(
            line.split(":", 1)[1].strip()
            for line in request.decode().split("\r\n")
            if line.lower().startswith("sec-websocket-key:")
        )
        accept = base64.b64encode(hashlib.sha1((key + _GUID).encode()).digest()).decode()
        client.sendall(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
            ).encode()
        )
        self._send_frame(TEXT, json.dumps({"type": "hello", "num_connections": 1}).encode())
        self._connected.set()
        try:
            while True:
                opcode, payload = self._read_frame(client)
                if opcode == PING:
                    self._send_frame(PONG, payload)
                elif opcode == TEXT:
                    self.acks.put(json.loads(payload))
                elif opcode == CLOSE:
                    return
        except (OSError, ConnectionError):
            return

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        assert self._client is not None
        size = len(payload)
        if size < 126:
            header = struct.pack("!BB", 0x80 | opcode, size)
        elif size < 65536:
            header = struct.pack("!BBH", 0x80 | opcode, 126, size)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 127, size)
        with self._send_lock:
            self._client.sendall(header + payload)

    @staticmethod
    def _read_exact(client: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = client.recv(n - len(data))
            if not chunk:
                raise ConnectionError("client closed the socket")
            data += chunk
        return data

    def _read_frame(self, client: socket.socket) -> tuple[int, bytes]:
        first, second = self._read_exact(client, 2)
        size = second & 0x7F
        if size == 126:
            size = struct.unpack("!H", self._read_exact(client, 2))[0]
        elif size == 127:
            size = struct.unpack("!Q", self._read_exact(client, 8))[0]
        mask = self._read_exact(client, 4) if second & 0x80 else b"\0\0\0\0"
        data = self._read_exact(client, size)
        return first & 0x0F, bytes(b ^ mask[i % 4] for i, b in enumerate(data))
