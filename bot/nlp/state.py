"""spaCy serialisation shared by the pipeline's components."""
from pathlib import Path
from typing import Any, Iterable, Union

import srsly


class JsonState:
    """spaCy serialisation for a component whose state is one JSON document:
    subclasses name the file and implement `state` and `load_state`."""

    filename = "state.json"

    def state(self) -> Any:
        raise NotImplementedError

    def load_state(self, data: Any) -> None:
        raise NotImplementedError

    def to_disk(self, path: Union[str, Path], exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / self.filename, self.state())

    def from_disk(self, path: Union[str, Path], exclude: Iterable[str] = ()) -> "JsonState":
        self.load_state(srsly.read_json(Path(path) / self.filename))
        return self

