#!/usr/bin/env bash
# Import an existing notebook by its ID.
terraform import modelarts_notebook.dev 0b4bd3ad-6a1b-4d12-8a0c-5c1a2b3c4d5e
