"""capsules.py - a process holding 5000 capsules (more than the in-process census's tally lists
of one type read on top of it), idle in a system call once it prints READY."""
import ctypes
import time

new = ctypes.pythonapi.PyCapsule_New
new.restype = ctypes.py_object
new.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
buf = ctypes.create_string_buffer(64)
CAPSULES = [new(ctypes.addressof(buf), None, None) for _ in range(5000)]
print("READY", flush=True)
time.sleep(600)
