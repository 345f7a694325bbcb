"""The lower bound that orders the exact generator's windows."""

from circuitlab.optimize.window_pass import care_support

MAJ3 = 0b11101000


def test_care_support_counts_the_leaves_a_function_reads_on_care_patterns():
    assert care_support(MAJ3, 3, 0xFF) == 3
    assert care_support(0xF0, 3, 0xFF) == 1                  # input 2 alone
    # a & b & c where only patterns 0 and 7 occur: no care pair differs in one leaf
    assert care_support(0x80, 3, 0x81) == 0
    assert care_support(0x80, 3, 0xC1) == 1                  # patterns 6, 7 differ in leaf 0
