//! The Solomon VRPTW benchmark through the product's own solver adapter (`routing::solve`):
//!
//!   solomon --data DIR [--budget SECS] [--threads N] [--generations N] [--only C1,RC2]
//!
//! DIR holds `solomon/*.txt` (the 56 instances) and `solomon_bks.json` (the best-known
//! solutions). Each instance becomes a routing problem with the distance-only objective:
//! Euclidean distances and travel times scaled by 1000 (the matrix is whole numbers), windows
//! and service times scaled the same way, one vehicle per vehicle of the instance, its capacity,
//! ending at the depot. Prints per instance the distance found, the best-known distance-only
//! value, the gap, the vehicles used against the best-known's, and the seconds; then the mean
//! and worst gap per class and overall, and the median time.

use fieldline::routing::{solve, Budget, Job, Matrix, Objective, Problem, Vehicle};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Distances, times and durations are multiplied by this before rounding to whole numbers.
const SCALE: f64 = 1000.0;

/// One Solomon instance as read from its text file.
#[derive(Debug, Clone, PartialEq)]
struct Instance {
    name: String,
    vehicles: usize,
    capacity: i32,
    /// Customer 0 is the depot: (x, y, demand, ready, due, service).
    customers: Vec<[f64; 6]>,
}

fn parse(name: &str, text: &str) -> Result<Instance, String> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut fleet = None;
    let mut customers = vec![];
    while let Some(line) = lines.next() {
        if line.starts_with("NUMBER") {
            let numbers = lines.next().ok_or("the fleet line is missing")?;
            let v: Vec<&str> = numbers.split_whitespace().collect();
            match v.as_slice() {
                [n, c] => {
                    fleet = Some((
                        n.parse().map_err(|_| "vehicle count")?,
                        c.parse().map_err(|_| "capacity")?,
                    ))
                }
                _ => return Err(format!("{name}: cannot read the fleet line '{numbers}'")),
            }
            continue;
        }
        let fields: Result<Vec<f64>, _> = line.split_whitespace().map(str::parse::<f64>).collect();
        if let Ok(fields) = fields {
            if fields.len() == 7 && fleet.is_some() {
                if fields[0] as usize != customers.len() {
                    return Err(format!("{name}: customer {} out of order", fields[0]));
                }
                customers.push([fields[1], fields[2], fields[3], fields[4], fields[5], fields[6]]);
            }
        }
    }
    let (vehicles, capacity) = fleet.ok_or_else(|| format!("{name}: no fleet"))?;
    if customers.len() < 2 {
        return Err(format!("{name}: no customers"));
    }
    Ok(Instance {
        name: name.to_string(),
        vehicles,
        capacity,
        customers,
    })
}

fn scaled(v: f64) -> i64 {
    (v * SCALE).round() as i64
}

fn problem(instance: &Instance) -> Problem {
    let n = instance.customers.len();
    let mut metres = Vec::with_capacity(n * n);
    for a in &instance.customers {
        for b in &instance.customers {
            metres.push(scaled(((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()));
        }
    }
    let depot = instance.customers[0];
    let vehicles = (0..instance.vehicles)
        .map(|i| Vehicle {
            id: format!("v{}", i + 1),
            start: 0,
            end: Some(0),
            shift: (scaled(depot[3]), scaled(depot[4])),
            breaks: vec![],
            skills: vec![],
            capacity: Some(instance.capacity),
            max_jobs: None,
        })
        .collect();
    let jobs = instance.customers[1..]
        .iter()
        .enumerate()
        .map(|(i, c)| Job {
            id: format!("c{}", i + 1),
            location: i + 1,
            duration: scaled(c[5]),
            windows: vec![(scaled(c[3]), scaled(c[4]))],
            demand: c[2] as i32,
            skills: vec![],
            pinned_to: None,
        })
        .collect();
    Problem {
        matrix: Matrix {
            size: n,
            seconds: metres.clone(),
            metres,
        },
        vehicles,
        jobs,
        objective: Objective::Distance,
    }
}

/// The class of an instance: its letters and the first digit (C1, RC2, ...).
fn class(name: &str) -> String {
    let letters: String = name.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let digit = name[letters.len()..]
        .chars()
        .next()
        .map(String::from)
        .unwrap_or_default();
    format!("{letters}{digit}")
}

struct Args {
    data: PathBuf,
    budget: f64,
    threads: usize,
    generations: Option<usize>,
    only: Vec<String>,
}

fn args() -> Result<Args, String> {
    let mut out = Args {
        data: PathBuf::new(),
        budget: 5.0,
        threads: 2,
        generations: None,
        only: vec![],
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--data" => out.data = PathBuf::from(value()?),
            "--budget" => out.budget = value()?.parse().map_err(|_| "--budget takes seconds")?,
            "--threads" => out.threads = value()?.parse().map_err(|_| "--threads takes a number")?,
            "--generations" => out.generations = Some(value()?.parse().map_err(|_| "--generations takes a number")?),
            "--only" => out.only = value()?.split(',').map(|s| s.trim().to_uppercase()).collect(),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if out.data.as_os_str().is_empty() {
        return Err("give the data folder: --data DIR".into());
    }
    Ok(out)
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

fn worst(v: &[f64]) -> f64 {
    v.iter().cloned().fold(f64::NEG_INFINITY, f64::max)
}

fn read_bks(data: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(data.join("solomon_bks.json")).map_err(|e| format!("solomon_bks.json: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("solomon_bks.json: {e}"))
}

fn main() -> Result<(), String> {
    let args = args()?;
    let bks = read_bks(&args.data)?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(args.data.join("solomon"))
        .map_err(|e| format!("solomon/: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();

    let budget = Budget {
        max_time: Duration::from_secs_f64(args.budget),
        max_generations: args.generations,
        threads: args.threads,
    };
    println!(
        "budget {} s, {} thread(s){}",
        args.budget,
        args.threads,
        args.generations
            .map(|g| format!(", at most {g} generations"))
            .unwrap_or_default()
    );
    println!(
        "{:<7} {:>10} {:>10} {:>8} {:>9} {:>7} {:>4}",
        "name", "distance", "best", "gap %", "vehicles", "secs", "unas"
    );

    let mut gaps: BTreeMap<String, Vec<(f64, f64, f64, f64)>> = BTreeMap::new();
    let mut times = vec![];
    for file in files {
        let name = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_uppercase();
        let class = class(&name);
        if !args.only.is_empty() && !args.only.iter().any(|o| name.starts_with(o.as_str())) {
            continue;
        }
        let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let instance = parse(&name, &text)?;
        let problem = problem(&instance);
        let started = Instant::now();
        let solution = solve(&problem, &budget).map_err(|e| format!("{name}: {e}"))?;
        let secs = started.elapsed().as_secs_f64();
        let distance = solution.metres as f64 / SCALE;
        let used = solution.routes.iter().filter(|r| !r.stops.is_empty()).count();
        let best = bks[&name]["bks_distance_only"].as_f64().unwrap_or(f64::NAN);
        let best_vehicles = bks[&name]["vehicles_distance_only"].as_f64().unwrap_or(f64::NAN);
        let gap = (distance / best - 1.0) * 100.0;
        println!(
            "{name:<7} {distance:>10.2} {best:>10.2} {gap:>+8.2} {:>9} {secs:>7.2} {:>4}",
            format!("{used}/{best_vehicles}"),
            solution.unassigned.len()
        );
        gaps.entry(class)
            .or_default()
            .push((gap, used as f64, best_vehicles, secs));
        times.push(secs);
    }

    println!();
    println!(
        "{:<6} {:>3} {:>10} {:>10} {:>9} {:>9} {:>8}",
        "class", "n", "mean gap", "worst gap", "vehicles", "best veh", "secs"
    );
    let mut all = vec![];
    for (class, rows) in &gaps {
        let g: Vec<f64> = rows.iter().map(|r| r.0).collect();
        all.extend(g.iter().cloned());
        println!(
            "{class:<6} {:>3} {:>+10.2} {:>+10.2} {:>9.2} {:>9.2} {:>8.2}",
            rows.len(),
            mean(&g),
            worst(&g),
            mean(&rows.iter().map(|r| r.1).collect::<Vec<_>>()),
            mean(&rows.iter().map(|r| r.2).collect::<Vec<_>>()),
            mean(&rows.iter().map(|r| r.3).collect::<Vec<_>>()),
        );
    }
    times.sort_by(f64::total_cmp);
    let median = if times.is_empty() {
        0.0
    } else if times.len() % 2 == 1 {
        times[times.len() / 2]
    } else {
        (times[times.len() / 2 - 1] + times[times.len() / 2]) / 2.0
    };
    println!(
        "overall {:>3} instances: mean gap {:+.2} %, worst {:+.2} %, median {median:.2} s per instance",
        all.len(),
        mean(&all),
        worst(&all)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "C101\n\nVEHICLE\nNUMBER     CAPACITY\n  25         200\n\nCUSTOMER\n\
        CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\n \n\
        0      40         50          0          0       1236          0\n\
        1      45         68         10        912        967         90\n\
        2      45         70         30        825        870         90\n";

    #[test]
    fn reads_the_fleet_and_the_customers() {
        let i = parse("C101", SAMPLE).unwrap();
        assert_eq!((i.vehicles, i.capacity, i.customers.len()), (25, 200, 3));
        assert_eq!(i.customers[2], [45.0, 70.0, 30.0, 825.0, 870.0, 90.0]);
        let p = problem(&i);
        assert_eq!(p.matrix.metres(1, 2), 2000);
        assert_eq!(p.jobs[0].windows, vec![(912_000, 967_000)]);
        assert_eq!(p.vehicles.len(), 25);
        assert_eq!(class("RC208"), "RC2");
        assert_eq!(class("C101"), "C1");
    }
}
