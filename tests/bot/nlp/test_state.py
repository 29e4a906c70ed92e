"""bot.nlp.state: components saved as one JSON document."""
from bot.nlp.state import JsonState


class Counter(JsonState):
    filename = "counter.json"

    def __init__(self, value=0):
        self.value = value

    def state(self):
        return {"value": self.value}

    def load_state(self, data):
        self.value = data["value"]


def test_to_disk_and_back(tmp_path):
    Counter(7).to_disk(tmp_path / "c")
    assert (tmp_path / "c" / "counter.json").exists()
    assert Counter().from_disk(tmp_path / "c").value == 7
