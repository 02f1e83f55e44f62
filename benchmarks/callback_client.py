"""One way for the benchmarks to time Dash callbacks: a logged-in client that posts callback requests
as Dash's renderer does, built from the app's own callback map — in-process (Flask's test client,
`Callbacks`) or over HTTP to a served app (`HttpUser`, a browser's session with keep-alive)."""

from __future__ import annotations

import re
import time
from pathlib import Path

# who the benchmarks act as: the core group for CompStat, the coordinator for individual tracks
BENCH_USERS = {"kerngroep": "bench-kerngroep", "coordinator": "bench-coordinator"}
BENCH_PASSWORD = "benchmark-wachtwoord"


def logged_in_client(app, db: Path, role: str = "kerngroep"):
    """A test client with the session of a benchmark user of `role`, logged in through the real /login form."""
    from civ import accounts as users

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
        return self.post(next(k for k in self.map if output in k), values, changed)

    def fired_by(self, prop: str) -> list[str]:
        """The server-side callbacks (keys of the callback map) a change of `prop` ("id.property") fires."""
        return [k for k, spec in self.map.items() if any(f"{i['id']}.{i['property']}" == prop for i in spec["inputs"])]

    def post(self, key: str, values: dict, changed: str) -> tuple[float, int, float]:
        """Post callback `key`: (milliseconds, response bytes, CPU milliseconds of this process meanwhile)."""
        body = callback_body(key, self.map[key], values, [changed])
        began, cpu = time.perf_counter(), time.process_time()
        response = self.client.post("/_dash-update-component", json=body)
        elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
        if response.status_code not in (200, 204):
            raise RuntimeError(f"{key}: HTTP {response.status_code}: {response.get_data(as_text=True)[:500]}")
        return elapsed * 1000, len(response.get_data()), cpu * 1000


def callback_body(key: str, spec: dict, values: dict, changed: list[str]) -> dict:
    """The JSON the renderer posts for callback `key` (its output string), inputs and state taken from
    `values` ({"component-id.property": value}), `changed` the props that fired it."""
    outputs = [dict(zip(("id", "property"), o.rsplit(".", 1))) for o in key.strip(".").split("...")]
    return {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],
        "inputs": [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in spec["inputs"]],
        "state": [{**s, "value": values.get(f"{s['id']}.{s['property']}")} for s in spec["state"]],
        "changedPropIds": changed,
    }


class HttpUser:
    """One user of a served app over HTTP: logs in through the real /login form and then posts callback
    requests as the browser does, on one keep-alive session. The callback map is the app's own
    /_dash-dependencies (what the renderer reads)."""

    def __init__(self, base_url: str, name: str, password: str, timeout_s: float = 30.0):
        import requests

        self.base, self.timeout_s = base_url.rstrip("/"), timeout_s
        self.session = requests.Session()
        # the browser opens up to 6 connections per host; so may this user's parallel callbacks
        self.session.mount("http://", requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=6))
        form = self.session.get(f"{self.base}/login", timeout=timeout_s)
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
        response = self.session.post(
            f"{self.base}/login",
            data={"name": name, "password": password, "csrf": csrf.group(1) if csrf else ""},
            allow_redirects=False,
            timeout=timeout_s,
        )
        if response.status_code != 302:
            raise RuntimeError(f"login of {name} failed: HTTP {response.status_code}")
        dependencies = self.session.get(f"{self.base}/_dash-dependencies", timeout=timeout_s)
        dependencies.raise_for_status()
        # server-side callbacks only: clientside ones run in the browser and never reach the server
        self.callbacks = {c["output"]: c for c in dependencies.json() if not c.get("clientside_function")}

    def fired_by(self, props: set[str]) -> list[str]:
        """The server-side callbacks a change of `props` ("id.property") makes the browser post."""
        return [
            key
            for key, spec in self.callbacks.items()
            if any(f"{i['id']}.{i['property']}" in props for i in spec["inputs"])
        ]

    def post(self, key: str, values: dict, changed: list[str]) -> tuple[float, str, dict]:
        """Post callback `key`: (milliseconds, outcome "200" or an error kind, the response's new values)."""
        import requests

        body = callback_body(key, self.callbacks[key], values, changed)
        began = time.perf_counter()
        try:
            response = self.session.post(f"{self.base}/_dash-update-component", json=body, timeout=self.timeout_s)
            elapsed = (time.perf_counter() - began) * 1000
        except requests.Timeout:
            return (time.perf_counter() - began) * 1000, "timeout", {}
        except requests.ConnectionError:
            return (time.perf_counter() - began) * 1000, "connection error", {}
        if response.status_code != 200:
            # 204 is Dash's "no update": the page would keep showing old figures (e.g. the store stayed busy)
            return elapsed, f"HTTP {response.status_code}", {}
        new = {
            f"{component}.{prop}": value
            for component, props in response.json().get("response", {}).items()
            for prop, value in props.items()
        }
        return elapsed, "200", new


class AtOnce:
    """The callbacks one change fires, posted at once as the browser does (it opens up to 6 connections per
    host): one logged-in client per connection, all answering in the same server process. A change takes
    the wall time until its last callback answered."""

    CONNECTIONS = 6

    def __init__(self, app, db: Path, role: str = "kerngroep"):
        from concurrent.futures import ThreadPoolExecutor
        from queue import SimpleQueue

        self.idle: SimpleQueue = SimpleQueue()  # a connection serves one callback at a time
        clients = [Callbacks(app, db, role) for _ in range(self.CONNECTIONS)]
        for client in clients:
            self.idle.put(client)
        self.fired_by = clients[0].fired_by
        self.pool = ThreadPoolExecutor(max_workers=self.CONNECTIONS)

    def _post(self, key: str, values: dict, prop: str) -> tuple[float, int, float]:
        client = self.idle.get()
        try:
            return client.post(key, values, prop)
        finally:
            self.idle.put(client)

    def change(self, prop: str, values: dict) -> tuple[float, int, float, float, int]:
        """Change `prop` to its value in `values`: (wall ms, response bytes, CPU ms of the process, the sum of
        the callbacks' own times in ms, callbacks posted)."""
        keys = self.fired_by(prop)
        began, cpu = time.perf_counter(), time.process_time()
        answers = list(self.pool.map(lambda key: self._post(key, values, prop), keys))
        wall, cpu = (time.perf_counter() - began) * 1000, (time.process_time() - cpu) * 1000
        return wall, sum(n for _, n, _ in answers), cpu, sum(ms for ms, _, _ in answers), len(keys)

    def close(self) -> None:
        self.pool.shutdown(wait=True)
