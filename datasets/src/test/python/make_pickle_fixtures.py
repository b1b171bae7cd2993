#!/usr/bin/python3
"""Writes the label-pickle fixtures read by SafeUnpicklerTest.

Run from the repository root:  /usr/bin/python3 datasets/src/test/python/make_pickle_fixtures.py
The Java tests only read the committed outputs; they never need Python.
"""
import os
import pickle

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "iern", "data", "pickle")
os.makedirs(OUT, exist_ok=True)

# The shape of the authors' emotion_labels.pkl: '<dataset lower>_<basename>' -> emotion name.
# Repeated values make pickle emit memo references (BINGET), which a reader must follow.
labels = {}
for i in range(1, 4):
    for f in (17, 18, 19):
        labels["ckplus_S%03d_004_%08d" % (i, f)] = ["Anger", "Happiness", "Surprise"][i - 1]
for f in (43, 44, 45):
    labels["mmi_S001_104_%03d" % f] = "Disgust"
labels["oulucasia_P001_Fear_015"] = "Fear"
labels["oulucasia_P002_Sadness_016"] = "Sadness"
labels["ckplus_caf\u00e9_\u00fcber_001"] = "Happiness"  # non-ASCII survives every protocol
# more than 1000 items forces SETITEMS to be split into several MARK batches
big = {"mmi_S%03d_%03d_%03d" % (i // 100, i % 100, 1): ["Anger", "Fear"][i % 2] for i in range(1200)}

for proto in range(0, 6):
    with open(os.path.join(OUT, "labels_p%d.pkl" % proto), "wb") as f:
        f.write(pickle.dumps(labels, protocol=proto))
with open(os.path.join(OUT, "big_p4.pkl"), "wb") as f:
    f.write(pickle.dumps(big, protocol=4))
with open(os.path.join(OUT, "labels.csv"), "w", encoding="utf-8") as f:
    for k in sorted(labels):
        f.write("%s,%s\n" % (k, labels[k]))
with open(os.path.join(OUT, "big.csv"), "w", encoding="utf-8") as f:
    for k in sorted(big):
        f.write("%s,%s\n" % (k, big[k]))


class Exploit:
    """Unpickling this would call os.system: the reader must refuse before anything runs."""

    def __reduce__(self):
        return (os.system, ("echo pwned",))


with open(os.path.join(OUT, "exploit_p2.pkl"), "wb") as f:
    f.write(pickle.dumps({"ckplus_x": Exploit()}, protocol=2))
with open(os.path.join(OUT, "exploit_p4.pkl"), "wb") as f:
    f.write(pickle.dumps(Exploit(), protocol=4))
with open(os.path.join(OUT, "int_value_p3.pkl"), "wb") as f:
    f.write(pickle.dumps({"ckplus_x": 3}, protocol=3))
with open(os.path.join(OUT, "list_p3.pkl"), "wb") as f:
    f.write(pickle.dumps(["Anger"], protocol=3))
print("wrote fixtures to", os.path.normpath(OUT))
