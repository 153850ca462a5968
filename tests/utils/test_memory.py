import sys

import pytest

from saatkit.utils import release_memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's")
def test_release_memory_trims_glibc_heaps():
    assert release_memory() is True
