"""Debian's python3-socketio (the standard client of the Python world), driven by
test/client/python-socketio.e2e-spec.ts: it connects with a token over the transport it is
given, subscribes to a channel at every connect, and prints one JSON line for everything it
hears. It exits when the connection has ended for good (a server disconnect), as a Python
application blocked in wait() would.

    /usr/bin/python3 python-socketio-client.py URL TOKEN polling|websocket CHANNEL
"""
import json
import sys
import threading

import socketio

url, token, transport, channel = sys.argv[1:5]
sio = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)


# python-socketio calls handlers from its own threads: one line at a time, whole, or two
# handlers printing at once interleave their text and the test reads neither line.
_print_lock = threading.Lock()


def say(kind, **fields):
    line = json.dumps({'kind': kind, **fields}) + '\n'
    with _print_lock:
        sys.stdout.write(line)
        sys.stdout.flush()


@sio.event
def connect():
    say('connect', transport=sio.transport())
    sio.emit('subscribe', {'channel': channel}, callback=lambda ack: say('ack', ack=ack))


@sio.event
def disconnect():
    say('disconnect')


@sio.on('*')
def event(name, payload=None):
    say('event', event=name, payload=payload)


sio.connect(url, auth={'token': token}, transports=[transport])
sio.wait()
say('gone')
