from services.core import format_data_size


def test_whole_and_fractional_gigabytes_and_megabytes():
    assert format_data_size(1024) == "1 GB"
    assert format_data_size(1536) == "1.5 GB"
    assert format_data_size(20480) == "20 GB"
    assert format_data_size(500) == "500 MB"


def test_unlimited_wins_over_any_amount():
    assert format_data_size(None) == "Unlimited"
    assert format_data_size(1024, unlimited=True) == "Unlimited"
