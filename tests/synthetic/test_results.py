"""Result objects of mixmap.synthetic: compare by identity (==), hash and print in one short line."""

from mixmap.synthetic import Aggregate, aggregates


def test_aggregate_eq_hash_repr():
    a, b = aggregates(2, mixing="random", d_a=30, d_b=30, n_primary=(20, 30), pixel_size=2.0, seed=0)
    assert isinstance(a, Aggregate)
    assert a == a and a != b
    assert isinstance(hash(a), int) and len({a, a, b}) == 2
    assert repr(a).startswith("Aggregate(") and len(repr(a)) <= 300
    assert a.to_dict()["pixel_size"] == 2.0
