"""Schemathesis hooks for the complaint desk's contract test (tools/contract/run-contract.ts).

The generator reuses a few Idempotency-Key values across requests with different bodies. The
service answers such a reuse with the documented 422 (a key files one complaint, ever), which
Schemathesis would report as "schema-valid request rejected". That behaviour has its own tests
(test/integration/api/idempotency.test.ts); here every well-formed key is made unique, so the
generated requests test everything else. Malformed keys (negative cases) are left as generated.
"""
import re
import uuid

import schemathesis

WELL_FORMED = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "idempotency-key" and isinstance(headers[name], str) and WELL_FORMED.match(headers[name]):
            headers[name] = "contract-" + uuid.uuid4().hex
    return None
