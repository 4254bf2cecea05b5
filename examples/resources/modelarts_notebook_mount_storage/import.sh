#!/usr/bin/env bash
# Import a mount by its notebook's ID and its own, as in the official provider.
terraform import modelarts_notebook_mount_storage.datasets 0b4bd3ad-6a1b-4d12-8a0c-5c1a2b3c4d5e/8c58e7c2-6a8a-43fd-b1b0-8ac6a2a1f9e1
# A mount of a notebook in another region: REGION/NOTEBOOK_ID/MOUNT_ID.
