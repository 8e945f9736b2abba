#!/usr/bin/env python3
"""Writes a synthetic ledger in the ledger CSV formats (README, File formats): N usage rows over 40 contracts of
8 vendors, two years of daily usage, and monthly revenue. Deterministic for a given N.

    bench/gen_ledger.py --rows 1000000 --out bench-data/1m
"""
import argparse
import datetime as dt
import os
import random

VENDORS = [("Vendor %02d" % i, "hyperscaler" if i < 3 else "neocloud") for i in range(8)]
CONTRACTS = 40
START = dt.date(2025, 1, 1)
DAYS = 730


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, required=True, help="number of usage rows")
    p.add_argument("--out", required=True, help="directory to write the CSV files into")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rnd = random.Random(42)
    end = START + dt.timedelta(days=DAYS - 1)
    with open(os.path.join(args.out, "vendors.csv"), "w", newline="") as f:
        f.write("name,kind\n")
        for name, kind in VENDORS:
            f.write(f"{name},{kind}\n")
    with open(os.path.join(args.out, "contracts.csv"), "w", newline="") as f:
        f.write("reference,vendor,start_date,end_date,committed_amount,currency\n")
        for c in range(CONTRACTS):
            vendor = VENDORS[c % len(VENDORS)][0]
            f.write(f"K{c:03d},{vendor},{START},{end},{rnd.randint(10**9, 10**11)}.00,USD\n")
    dates = [(START + dt.timedelta(days=d)).isoformat() for d in range(DAYS)]
    with open(os.path.join(args.out, "usage.csv"), "w", newline="", buffering=1 << 20) as f:
        f.write("contract,date,amount,quantity,unit,sku\n")
        chunk = []
        for i in range(args.rows):
            c = rnd.randrange(CONTRACTS)
            cents = rnd.randrange(1, 5_000_000)
            chunk.append(f"K{c:03d},{dates[rnd.randrange(DAYS)]},{cents // 100}.{cents % 100:02d},{cents % 9973}.5,gpu_hour,sku-{c % 7}\n")
            if len(chunk) == 10_000:
                f.write("".join(chunk))
                chunk.clear()
        f.write("".join(chunk))
    with open(os.path.join(args.out, "revenue.csv"), "w", newline="") as f:
        f.write("period_start,amount,currency\n")
        month = START
        while month <= end:
            f.write(f"{month},{rnd.randint(10**8, 10**9)}.{rnd.randrange(100):02d},USD\n")
            month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


if __name__ == "__main__":
    main()
