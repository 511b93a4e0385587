"""Web capture: a page loaded by a browser of our own, with everything a court asks about it.

The browser (QtWebEngine, driven over Chromium's DevTools protocol) runs in a
child program of its own, ``python -m app.capture`` (``app.capture.browser``,
the one place outside ``app.gui`` that imports Qt). Ops start it, hand it a job
file, read its progress as JSON lines on a pipe and collect the files it wrote.

Every other module here is plain Python that ops may import: the job and its
events (:mod:`.job`), which addresses may be visited (:mod:`.addresses`), DNS
answers (:mod:`.dns_answers`), the network log and its WARC (:mod:`.netlog`,
:mod:`.warc`), certificates (:mod:`.certificates`), the capture environment
(:mod:`.environment`) and the WACZ package (:mod:`.wacz`).
"""
