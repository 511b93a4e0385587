"""The published BagIt Profile of our bundles (bagit-profiles spec 1.3.0), shipped with the app.

``resources/bagit-profile-evbundle-v1.json`` says what a bundle holds: the
bag-info fields, both manifests and tag manifests, the tag files, and the
files ``signature/`` may hold (the signature, the signer's certificate,
timestamp tokens with their validation data, archive timestamps). Every
bag-info.txt names it in ``BagIt-Profile-Identifier``, so a repository or a
reader's tool (``bagit-profile``) can check a bundle against it.

The identifier is a URN, a name rather than an address: the project has no
web site of its own to publish the profile at, and an address it does not
control would be worse than none. The file is the same in every installed
copy of this version of the app; a later format gets a new identifier.
"""

from __future__ import annotations

PROFILE_IDENTIFIER = "urn:evbundle:bagit-profile:evidence-bundle:v1"
PROFILE_FILE = "bagit-profile-evbundle-v1.json"  # in resources/ (app.core.paths.resource)

