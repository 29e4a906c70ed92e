"""Write the effective Rasa credentials file: credentials.yml plus every messaging
platform of platforms.yml whose required environment variables are all set.

    python -m adapters.channels.credentials OUT [--base credentials.yml]

Rasa substitutes ${VAR} in a credentials file but fails when VAR is unset, so a
platform cannot simply be listed in credentials.yml and stay off when it is not
configured. This module decides which platforms are on and appends their blocks
to a copy of credentials.yml (the always-on channels, kept verbatim). The blocks
name the variables as ${VAR} and Rasa fills them in when it loads the file: no
secret is written to disk, and `rasa run` must see the same environment.

The socket.io channel's JWT check is switched on the same way: with
SOCKETIO_JWT_KEY set (and optionally SOCKETIO_JWT_METHOD, default HS256), the
socketio block gets `jwt_key: ${SOCKETIO_JWT_KEY}` and `jwt_method`, and a
client must connect with a token signed with that key (docs/web.md). The file
is then written from the parsed YAML (its comments are dropped).

No Rasa import: this runs before Rasa starts.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Tuple

import yaml

HERE = Path(__file__).resolve().parent
PLATFORMS_FILE = HERE / "platforms.yml"
ROOT = HERE.parents[1]
BASE_FILE = ROOT / "credentials.yml"

_VAR_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")

# The always-on channels of credentials.yml, by the name they are reported with.
CHANNEL_NAMES = {
    "adapters.channels.rest.RestInput": "rest",
    "adapters.channels.socketio.SocketIOInput": "socketio",
}
SOCKETIO_CHANNELS = ("adapters.channels.socketio.SocketIOInput", "socketio")
JWT_KEY_VAR = "SOCKETIO_JWT_KEY"
JWT_METHOD_VAR = "SOCKETIO_JWT_METHOD"
JWT_METHODS = (
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512",
    "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA",
)


@dataclass
class Platform:
    name: str
    channel: str
    webhook: str
    required: Dict[str, str]
    optional: Dict[str, str] = field(default_factory=dict)

    def missing(self, environ: Mapping[str, str]) -> List[str]:
        return [var for var in self.required.values() if not environ.get(var, "").strip()]

    def block(self, environ: Mapping[str, str]) -> Dict[str, str]:
        """The credentials of this platform, as ${VAR} references."""
        keys = dict(self.required)
        keys.update({k: v for k, v in self.optional.items() if environ.get(v, "").strip()})
        return {key: "${%s}" % var for key, var in keys.items()}


@dataclass
class Report:
    on: List[str]  # every channel of the effective file
    off: Dict[str, List[str]]  # platform -> its missing variables
    partial: List[str]  # platforms with some, but not all, required variables set
    kept: List[str]  # platforms already configured in the base file (left as they are)
    socketio_jwt: bool = False  # the socketio channel requires a JWT (SOCKETIO_JWT_KEY)


def load_platforms(path: Path = PLATFORMS_FILE) -> List[Platform]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    platforms = []
    for name, spec in data["platforms"].items():
        platform = Platform(
            name=name,
            channel=spec["channel"],
            webhook=spec["webhook"],
            required=dict(spec["required"]),
            optional=dict(spec.get("optional") or {}),
        )
        for var in [*platform.required.values(), *platform.optional.values()]:
            if not _VAR_NAME.match(var):
                raise ValueError(f"{path}: {name}: {var!r} is not an environment variable name")
        platforms.append(platform)
    return platforms


def effective_credentials(
    base_text: str,
    environ: Mapping[str, str],
    platforms: Optional[List[Platform]] = None,
) -> Tuple[str, Report]:
    """The text of the effective credentials file and what is on and off.

    `base_text` is kept verbatim (its own ${VAR} references included); a
    platform the base already configures (by its name or its class) is left alone.
    """
    platforms = load_platforms() if platforms is None else platforms
    base = yaml.safe_load(base_text) if base_text.strip() else None
    if base is None:
        base = {}
    if not isinstance(base, dict):
        raise ValueError("the base credentials file must be a mapping of channel -> settings")

    blocks: Dict[str, Dict[str, str]] = {}
    off: Dict[str, List[str]] = {}
    partial: List[str] = []
    kept: List[str] = []
    for platform in platforms:
        if platform.name in base or platform.channel in base:
            kept.append(platform.name)
            continue
        missing = platform.missing(environ)
        if missing:
            off[platform.name] = missing
            if len(missing) < len(platform.required):
                partial.append(platform.name)
        else:
            blocks[platform.channel] = platform.block(environ)

    text = base_text if not base_text or base_text.endswith("\n") else base_text + "\n"
    if blocks:
        text += (
            "\n# Messaging platforms switched on by adapters/channels/credentials.py because\n"
            "# their environment variables are set (Rasa substitutes ${VAR} on load).\n"
        )
        text += yaml.safe_dump(blocks, default_flow_style=False, sort_keys=False)

    result = yaml.safe_load(text) or {}
    expected = [*base, *blocks]
    if list(result) != expected:  # e.g. a flow-style base the blocks cannot follow
        raise ValueError(f"could not append the platforms to the base file (got {list(result)})")
    jwt = bool(environ.get(JWT_KEY_VAR, "").strip())
    if jwt:
        text = _with_socketio_jwt(result, environ)
    names = {**CHANNEL_NAMES, **{p.channel: p.name for p in platforms}}
    return text, Report([names.get(c, c) for c in expected], off, partial, kept, jwt)


def _with_socketio_jwt(credentials: Dict, environ: Mapping[str, str]) -> str:
    """The credentials, with the socketio channel requiring a JWT signed with SOCKETIO_JWT_KEY."""
    channel = next((c for c in SOCKETIO_CHANNELS if c in credentials), None)
    if channel is None:
        raise ValueError(f"{JWT_KEY_VAR} is set but the credentials have no socketio channel")
    method = environ.get(JWT_METHOD_VAR, "").strip()
    if method and method not in JWT_METHODS:
        raise ValueError(f"{JWT_METHOD_VAR}={method!r} is not one of {', '.join(JWT_METHODS)}")
    block = dict(credentials[channel] or {})
    block["jwt_key"] = "${%s}" % JWT_KEY_VAR
    block["jwt_method"] = "${%s}" % JWT_METHOD_VAR if method else block.get("jwt_method", "HS256")
    credentials = {**credentials, channel: block}
    return (
        "# Written by adapters/channels/credentials.py from credentials.yml and the environment.\n"
        f"# {channel} requires a JWT signed with ${JWT_KEY_VAR}.\n"
        + yaml.safe_dump(credentials, default_flow_style=False, sort_keys=False)
    )


def write_effective_credentials(
    out: Path, base: Path = BASE_FILE, environ: Optional[Mapping[str, str]] = None
) -> Report:
    """Write the effective credentials file to `out` (atomically) and report."""
    environ = os.environ if environ is None else environ
    text, report = effective_credentials(base.read_text(encoding="utf-8"), environ)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    return report


def describe(report: Report) -> str:
    lines = [f"channels on: {', '.join(report.on) or 'none'}"]
    for name, missing in report.off.items():
        how = "PARTLY configured, still missing" if name in report.partial else "off, set"
        lines.append(f"  {name}: {how} {', '.join(missing)}")
    for name in report.kept:
        lines.append(f"  {name}: configured in the base credentials file, left as it is")
    if report.socketio_jwt:
        lines.append(f"  socketio: clients need a JWT signed with {JWT_KEY_VAR}")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m adapters.channels.credentials",
        description="Write the effective Rasa credentials file (see docs/channels.md).",
    )
    parser.add_argument("out", type=Path, help="file to write, e.g. .data/credentials.yml")
    parser.add_argument("--base", type=Path, default=BASE_FILE, help="always-on channels (credentials.yml)")
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)
    try:
        report = write_effective_credentials(args.out, args.base)
    except (OSError, ValueError, yaml.YAMLError) as error:
        print(f"credentials: {error}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(describe(report), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
