"""Writes tiny CIFAR-10 / CIFAR-100 fixtures in the official formats (run with a python that has numpy).

The python version of the official archives holds Python 2 pickles (protocol 2): byte strings are
BINSTRING opcodes, arrays are numpy.core.multiarray._reconstruct + BUILD. Python 3 would write bytes through
_codecs.encode at protocol 2, so a pickler that writes byte strings as Python 2 did is used.
The binary version holds records <label><3072 pixels> (CIFAR-10) or <coarse><fine><3072 pixels> (CIFAR-100).

Pixel values follow a formula the Java tests recompute: image i of a split, channel c, row y, column x is
(i * 7 + c * 50 + y * 3 + x + offset) % 256 with offset 0 for train and 100 for test; labels are
i % classes (CIFAR-10) and (3 * i + 1) % 100 fine / i % 20 coarse (CIFAR-100).

    /usr/bin/python3 data/src/test/python/make_cifar.py data/src/test/resources/cifar
"""
import io
import os
import pickle
import struct
import sys
import tarfile

import numpy as np

CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']
FINE = ['fine%02d' % i for i in range(100)]
COARSE = ['coarse%02d' % i for i in range(20)]


class Py2Pickler(pickle._Pickler):
    """Protocol 2 with str and bytes written as Python 2 byte strings (SHORT_BINSTRING / BINSTRING)."""

    def save_py2_string(self, obj):
        data = obj.encode('latin1') if isinstance(obj, str) else obj
        if len(data) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(data)]) + data)
        else:
            self.write(pickle.BINSTRING + struct.pack('<i', len(data)) + data)
        self.memoize(obj)

    dispatch = dict(pickle._Pickler.dispatch)
    dispatch[bytes] = save_py2_string
    dispatch[str] = save_py2_string


def py2_pickle(obj):
    buf = io.BytesIO()
    Py2Pickler(buf, protocol=2).dump(obj)
    return buf.getvalue()


def images(n, offset):
    i = np.arange(n).reshape(n, 1, 1, 1)
    c = np.arange(3).reshape(1, 3, 1, 1)
    y = np.arange(32).reshape(1, 1, 32, 1)
    x = np.arange(32).reshape(1, 1, 1, 32)
    return ((i * 7 + c * 50 + y * 3 + x + offset) % 256).astype(np.uint8).reshape(n, 3072)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data)


def cifar10(out):
    py = os.path.join(out, 'cifar10', 'cifar-10-batches-py')
    binary = os.path.join(out, 'cifar10', 'cifar-10-batches-bin')
    # 5 training batches of 2 images (the official ones hold 10,000 each), one test batch of 3.
    train = images(10, 0)
    train_labels = [i % 10 for i in range(10)]
    for b in range(5):
        part = slice(2 * b, 2 * b + 2)
        d = {'batch_label': 'training batch %d of 5' % (b + 1), 'labels': train_labels[part],
             'data': train[part], 'filenames': ['img_%d.png' % i for i in range(2 * b, 2 * b + 2)]}
        write(os.path.join(py, 'data_batch_%d' % (b + 1)), py2_pickle(d))
        rec = b''.join(bytes([train_labels[i]]) + train[i].tobytes() for i in range(2 * b, 2 * b + 2))
        write(os.path.join(binary, 'data_batch_%d.bin' % (b + 1)), rec)
    test = images(3, 100)
    test_labels = [i % 10 for i in range(3)]
    write(os.path.join(py, 'test_batch'), py2_pickle({'batch_label': 'testing batch 1 of 1', 'labels': test_labels,
                                                      'data': test, 'filenames': ['t%d.png' % i for i in range(3)]}))
    write(os.path.join(binary, 'test_batch.bin'),
          b''.join(bytes([test_labels[i]]) + test[i].tobytes() for i in range(3)))
    write(os.path.join(py, 'batches.meta'), py2_pickle({'num_cases_per_batch': 2, 'label_names': CIFAR10_CLASSES,
                                                        'num_vis': 3072}))
    write(os.path.join(binary, 'batches.meta.txt'), ('\n'.join(CIFAR10_CLASSES) + '\n\n').encode())
    write(os.path.join(py, 'readme.html'), b'<meta HTTP-EQUIV="REFRESH" content="0; URL=http://www.cs.toronto.edu/~kriz/cifar.html">')
    return py, binary


def cifar100(out):
    py = os.path.join(out, 'cifar100', 'cifar-100-python')
    binary = os.path.join(out, 'cifar100', 'cifar-100-binary')
    for split, n, offset in (('train', 4, 0), ('test', 2, 100)):
        data = images(n, offset)
        fine = [(3 * i + 1) % 100 for i in range(n)]
        coarse = [i % 20 for i in range(n)]
        d = {'filenames': ['f%d.png' % i for i in range(n)], 'batch_label': split + ' batch',
             'fine_labels': fine, 'coarse_labels': coarse, 'data': data}
        write(os.path.join(py, split), py2_pickle(d))
        write(os.path.join(binary, split + '.bin'),
              b''.join(bytes([coarse[i], fine[i]]) + data[i].tobytes() for i in range(n)))
    write(os.path.join(py, 'meta'), py2_pickle({'fine_label_names': FINE, 'coarse_label_names': COARSE}))
    write(os.path.join(binary, 'fine_label_names.txt'), ('\n'.join(FINE) + '\n').encode())
    write(os.path.join(binary, 'coarse_label_names.txt'), ('\n'.join(COARSE) + '\n').encode())
    return py, binary


def tar(folder, archive):
    with tarfile.open(archive, 'w:gz', format=tarfile.USTAR_FORMAT) as t:
        for root, dirs, files in sorted(os.walk(folder)):
            dirs.sort()
            for f in sorted(files):
                p = os.path.join(root, f)
                info = t.gettarinfo(p, arcname=os.path.relpath(p, os.path.dirname(folder)))
                info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, '', ''
                with open(p, 'rb') as fh:
                    t.addfile(info, fh)


def numpy_values(out):
    """Arrays of several dtypes, byte orders and layouts, and numpy scalars, in one Python 2 style pickle."""
    d = {
        'u8': np.arange(6, dtype=np.uint8).reshape(2, 3),
        'f4_big': np.array([[1.5, -2.0], [0.25, 8.0]], dtype='>f4'),
        'i8_fortran': np.asfortranarray(np.arange(6, dtype=np.int64).reshape(2, 3)),
        'f8': np.array([0.1, 1e300], dtype=np.float64),
        'i2': np.array([-3, 300], dtype=np.int16),
        'bool': np.array([True, False, True]),
        'scalar_f4': np.float32(2.5),
        'scalar_i8': np.int64(-7),
        'labels': [1, 2, 3],
    }
    write(os.path.join(out, 'numpy', 'values.pkl'), py2_pickle(d))
    # Python 3's own protocol for the same kind of content (bytes as BINBYTES).
    write(os.path.join(out, 'numpy', 'values_p4.pkl'), pickle.dumps({'u8': d['u8'], 'f4_big': d['f4_big']}, protocol=4))
    # Refused: a pickle naming another global.
    write(os.path.join(out, 'numpy', 'evil.pkl'), pickle.dumps({'x': os.getcwd}, protocol=2))


def main():
    out = sys.argv[1]
    py10, bin10 = cifar10(out)
    py100, bin100 = cifar100(out)
    tar(py10, os.path.join(out, 'cifar-10-python.tar.gz'))
    tar(bin10, os.path.join(out, 'cifar-10-binary.tar.gz'))
    tar(py100, os.path.join(out, 'cifar-100-python.tar.gz'))
    if len(sys.argv) > 2:
        numpy_values(sys.argv[2])


if __name__ == '__main__':
    main()
