"""One way for the benchmarks to time Dash callbacks: a logged-in test client that posts callback
requests as Dash's renderer does, built from the app's own callback map."""
from __future__ import annotations

import time
from pathlib import Path

# who the benchmarks act as: the core group for CompStat, the coordinator for individual tracks
BENCH_USERS = {"kerngroep": "bench-kerngroep", "coordinator": "bench-coordinator"}
BENCH_PASSWORD = "benchmark-wachtwoord"


def logged_in_client(app, db: Path, role: str = "kerngroep"):
    """A test client with the session of a benchmark user of `role`, logged in through the real /login form."""
    from etl import users

    name, password = BENCH_USERS[role], BENCH_PASSWORD
    if name not in {u["name"] for u in users.list_users(db)}:
        users.add_user(db, name, role, password)
    client = app.server.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        csrf = session["csrf"]
    response = client.post("/login", data={"name": name, "password": password, "csrf": csrf})
    if response.status_code != 302:
        raise RuntimeError(f"login failed: HTTP {response.status_code}")
    return client


class Callbacks:
    """Posts callback requests the way Dash's renderer does, built from the app's own callback map."""

    def __init__(self, app, db: Path, role: str = "kerngroep"):
        self.client = logged_in_client(app, db, role)
        self.map = app.callback_map

    def request(self, output: str, values: dict, changed: str) -> tuple[float, int, float]:
        key = next(k for k in self.map if output in k)
        spec = self.map[key]
        outputs = [dict(zip(("id", "property"), o.rsplit(".", 1))) for o in key.strip(".").split("...")]
        body = {"output": key, "outputs": outputs if key.startswith("..") else outputs[0],
                "inputs": [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in spec["inputs"]],
                "state": [{**s, "value": values.get(f"{s['id']}.{s['property']}")} for s in spec["state"]],
                "changedPropIds": [changed]}
        began, cpu = time.perf_counter(), time.process_time()
        response = self.client.post("/_dash-update-component", json=body)
        elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
        if response.status_code not in (200, 204):
            raise RuntimeError(f"{output}: HTTP {response.status_code}: {response.get_data(as_text=True)[:500]}")
        return elapsed * 1000, len(response.get_data()), cpu * 1000
