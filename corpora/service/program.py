# service: an idle asyncio service, as one finds it when attaching to it: a TCP server on
# loopback whose event loop waits in epoll_wait (the GIL released), 200 background tasks each
# waiting on an event (every one an _asyncio.Task holding its coroutine: a C type pyleaks has no
# decoder for, read exactly only in-process), and the leak: a Session kept for every
# connection ever served. Prints "PORT N" and the truth, then serves until killed: a client
# that sends a line gets "ok N" back, N the sessions so far.
import asyncio
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from truth import leak_baseline, leak_measure, report  # noqa: E402

SERVED_BEFORE = 3000
TASKS = 200
SESSIONS = []  # the leak: never pruned


class Session(object):
    def __init__(self, n):
        self.n = n
        self.peer = "127.0.0.1:%d" % (40000 + n % 20000)
        self.buffer = bytearray(512)


async def handle(reader, writer):
    await reader.readline()
    SESSIONS.append(Session(len(SESSIONS)))
    writer.write(("ok %d\n" % len(SESSIONS)).encode())
    await writer.drain()
    writer.close()


async def background(n, event):
    await event.wait()


def main():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(asyncio.start_server(handle, "127.0.0.1", 0))
    port = server.sockets[0].getsockname()[1]
    event = asyncio.Event()
    tasks = [loop.create_task(background(i, event)) for i in range(TASKS)]
    loop.run_until_complete(asyncio.sleep(0))  # every task is now waiting on the event
    base = leak_baseline()
    for i in range(SERVED_BEFORE):
        SESSIONS.append(Session(i))
    sys.stdout.write("PORT %d\n" % port)
    report(["__main__.Session", "_asyncio.Task"], leak=leak_measure(base, SESSIONS),
           extra={"port": port, "tasks": len(tasks)})
    loop.run_forever()


main()
