"""Fixtures shared by every integration test.

stack     (session) one private stack: RabbitMQ, PostgreSQL, nginx, migrated.
services  (function) one acs-inventory and one acs-gateway behind nginx,
          stopped after the test; the stack stays up.

Any service a test starts itself (stack.start_gateway(...)) is stopped after
that test, and a broker the test stopped is started again, so every test
begins with the same stack.
"""

import os
import signal
import sys
import types

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from halyard_stack import ROOT, Stack, StackError  # noqa: E402


def _sigterm(signum, frame):
    # Turn SIGTERM into the same orderly teardown as Ctrl-C.
    raise KeyboardInterrupt("SIGTERM")


signal.signal(signal.SIGTERM, _sigterm)


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


def _failed(request):
    node = request.node
    return any(getattr(getattr(node, "rep_" + w, None), "failed", False)
               for w in ("setup", "call"))


def require_binary(stack, name):
    """Skip while a service is not written yet; fail once it should exist."""
    if os.path.exists(stack.bin(name)):
        return
    main_c = os.path.join(ROOT, "services", name, "main.c")
    if not os.path.exists(main_c):
        pytest.skip("%s is not written yet (no %s)" % (name, os.path.relpath(main_c, ROOT)))
    pytest.fail("%s is missing: run `make bins`" % stack.bin(name))


def _say(request, text):
    """A line on the terminal, outside pytest's output capture."""
    tr = request.config.pluginmanager.get_plugin("terminalreporter")
    if tr is not None:
        tr.write_line(text)
    else:
        sys.__stderr__.write(text + "\n")


@pytest.fixture(scope="session")
def stack(request):
    s = Stack(keep=os.environ.get("HALYARD_KEEP_STATE") == "1")
    try:
        s.start()
        print("\nstack up in %.1fs, state %s" % (s.start_seconds, s.state_dir))
    except BaseException:
        sys.__stderr__.write("stack start failed; logs:\n%s\n" % s.diagnostics())
        try:
            s.stop()
        finally:
            s.cleanup()
        raise
    try:
        yield s
    finally:
        failed = request.session.testsfailed
        try:
            s.stop()
        finally:
            if failed and not s.keep:
                # Keep the logs for diagnosis, not the 50 MB of data.
                s.trim()
                s.keep = True
                _say(request, "halyard: %d failed; stack logs kept in %s" % (failed, s.logs_dir))
            s.cleanup()


@pytest.fixture(autouse=True)
def _isolate_test(request):
    """Stop services a test started and restart a broker it stopped."""
    if "stack" not in request.fixturenames:
        yield
        return
    s = request.getfixturevalue("stack")
    before = list(s.services)
    yield
    extra = [svc for svc in s.services if svc not in before]
    if extra and _failed(request):
        for svc in extra:
            print(svc.log_tail(60))
    for svc in reversed(extra):
        try:
            svc.stop(timeout=15)
        except StackError as exc:
            print(exc)
        s.forget(svc)
    if s.started and not s.broker_running():
        s.start_broker()
    if s.started and not s.db_running():
        s.start_db()


@pytest.fixture
def services(stack, request):
    """inventory + gateway ('gw1'), nginx pointed at the gateway."""
    require_binary(stack, "acs-inventory")
    require_binary(stack, "acs-gateway")
    ns = types.SimpleNamespace(stack=stack, inventory=None, gateway=None)
    try:
        ns.inventory = stack.start_inventory()
        ns.gateway = stack.start_gateway("gw1")
        stack.use_gateways([ns.gateway])
        yield ns
    finally:
        if _failed(request):
            for svc in (ns.gateway, ns.inventory):
                if svc is not None:
                    print(svc.log_tail(60))
        for svc in (ns.gateway, ns.inventory):
            if svc is not None:
                try:
                    svc.stop(timeout=15)
                finally:
                    stack.forget(svc)
