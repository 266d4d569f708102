"""Convert an OpenDocument text to PDF through LibreOffice's UNO API, the layout recomputed until it settles.

Run by a Python that has LibreOffice's `uno` module (Debian: python3-uno, on the system Python), not
by the project's virtualenv:

    python3 writer_uno.py SOFFICE SRC.fodt OUT.pdf PROFILE_DIR TIMEOUT_S

Why not `soffice --convert-to pdf`: on a long table with footnotes in its cells, Writer 7.4's first
layout pass after loading leaves pages with a row or two and content repeated further on (a footnote
moving between pages unsettles the rows above it); it exports that first pass. A second layout pass
(what the UI's idle layout does) gets it right, so the document is re-laid out until its page count
stops changing, then exported.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import uno  # noqa: E402  (LibreOffice's bridge; only on the Python it ships for)
from com.sun.star.beans import PropertyValue  # noqa: E402
from com.sun.star.connection import NoConnectException  # noqa: E402

CONNECT_S = 60      # how long soffice may take to start listening
MAX_PASSES = 6      # layout passes after the first; two are usually enough


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:  # already gone
        pass


def main(soffice, src, out, profile, timeout):
    # one pipe per conversion: a shared name (every profile dir is called "profile") let a conversion
    # connect to another's soffice, load its document there and terminate it
    pipe = f"typeset_writer_{os.getpid()}"
    proc = subprocess.Popen([soffice, "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
                             f"-env:UserInstallation={Path(profile).as_uri()}", f"--accept=pipe,name={pipe};urp;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    # the caller's own time-out would kill this script and orphan soffice: end soffice first (a call
    # blocked in the bridge then fails)
    watchdog = threading.Timer(float(timeout), kill_group, (proc.pid,))
    watchdog.start()
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + CONNECT_S
        while True:
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("soffice did not start listening")
                time.sleep(0.2)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(Path(src).resolve().as_uri(), "_blank", 0, (prop("Hidden", True),))
        if doc is None:
            raise RuntimeError(f"LibreOffice could not load {src}")
        pages = []
        controller = doc.getCurrentController()
        for _ in range(MAX_PASSES):
            doc.refresh()  # Writer: a full layout pass
            pages.append(controller.getPropertyValue("PageCount"))
            if len(pages) >= 2 and pages[-1] == pages[-2]:
                break
        doc.storeToURL(Path(out).resolve().as_uri(), (prop("FilterName", "writer_pdf_Export"),))
        doc.close(True)
        print(" ".join(map(str, pages)))
        try:
            desktop.terminate()
        except Exception:  # the bridge goes away as soffice quits
            pass
        proc.wait(timeout=30)
    finally:
        watchdog.cancel()
        if proc.poll() is None:  # soffice forks soffice.bin: end its whole process group
            kill_group(proc.pid)
            proc.wait()


if __name__ == "__main__":
    main(*sys.argv[1:6])
