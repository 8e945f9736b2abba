#!/usr/bin/env python3
"""The three core reports (burn-down, concentration, ratio) computed by DuckDB from the same CSV files, as the baseline.

    duckdb_reports.py DATA_DIR OUT_DIR RUNS

Loads the CSVs into tables and runs the three queries, RUNS times; prints the best wall time
in seconds and writes burndown.csv, concentration.csv, ratio.csv into OUT_DIR.
"""
import os
import sys
import time

import duckdb

LOAD = """
CREATE OR REPLACE TABLE contracts AS SELECT * FROM read_csv('{d}/contracts.csv', header=true,
    columns={{'reference':'VARCHAR','vendor':'VARCHAR','start_date':'DATE','end_date':'DATE',
              'committed_amount':'DECIMAL(18,2)','currency':'VARCHAR'}});
CREATE OR REPLACE TABLE usage AS SELECT * FROM read_csv('{d}/usage.csv', header=true,
    columns={{'contract':'VARCHAR','date':'DATE','amount':'DECIMAL(18,2)','quantity':'DOUBLE',
              'unit':'VARCHAR','sku':'VARCHAR'}});
CREATE OR REPLACE TABLE revenue AS SELECT * FROM read_csv('{d}/revenue.csv', header=true,
    columns={{'period_start':'DATE','amount':'DECIMAL(18,2)','currency':'VARCHAR'}});
"""

REPORTS = {
    "burndown": """
        -- Each contracts.csv row is a contract with one commitment, its own (same reference).
        SELECT d.contract, d.contract AS commitment, d.date,
               SUM(d.spend) OVER (PARTITION BY d.contract ORDER BY d.date) AS cumulative_spend,
               c.committed_amount - SUM(d.spend) OVER (PARTITION BY d.contract ORDER BY d.date) AS remaining
        FROM (SELECT contract, date, SUM(amount) AS spend FROM usage GROUP BY 1, 2) d
        JOIN contracts c ON c.reference = d.contract
        ORDER BY d.contract, d.date""",
    "concentration": """
        WITH m AS (
            SELECT date_trunc('month', u.date)::DATE AS month, c.vendor, SUM(u.amount) AS spend
            FROM usage u JOIN contracts c ON c.reference = u.contract GROUP BY 1, 2),
        s AS (SELECT *, spend::DOUBLE / SUM(spend) OVER (PARTITION BY month)::DOUBLE AS share FROM m)
        SELECT month, vendor, spend, share, 10000 * SUM(share * share) OVER (PARTITION BY month) AS hhi
        FROM s ORDER BY month, vendor""",
    "ratio": """
        WITH s AS (SELECT date_trunc('month', u.date)::DATE AS month, SUM(u.amount) AS infra_spend
                   FROM usage u JOIN contracts c ON c.reference = u.contract GROUP BY 1),
             r AS (SELECT date_trunc('month', period_start)::DATE AS month, SUM(amount) AS revenue
                   FROM revenue GROUP BY 1)
        SELECT s.month, infra_spend, revenue, infra_spend::DOUBLE / revenue::DOUBLE AS ratio
        FROM s JOIN r USING (month) ORDER BY month""",
}


def main():
    data, out, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.makedirs(out, exist_ok=True)
    best = None
    for _ in range(runs):
        con = duckdb.connect()
        started = time.perf_counter()
        con.execute(LOAD.format(d=data))
        results = {name: con.execute(sql).fetchall() for name, sql in REPORTS.items()}
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
        con.close()
    for name, rows in results.items():
        with open(os.path.join(out, f"{name}.csv"), "w") as f:
            for row in rows:
                f.write(",".join(repr(v) if isinstance(v, float) else str(v) for v in row) + "\n")
    print(f"{best:.6f}")


if __name__ == "__main__":
    main()
